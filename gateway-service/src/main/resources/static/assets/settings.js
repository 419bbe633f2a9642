// Settings: the caller's API keys, their password, and how to point an IDE here.
import { api } from './api.js';
import { h, fill, toast, when, copy } from './dom.js';

const SCOPES = ['chat', 'search', 'ingest', 'admin'];

export function settingsPage(main, { me }) {
  const rows = h('tbody', { id: 'key-rows' });
  const shown = h('div', { id: 'new-key', 'aria-live': 'polite' });
  const scopes = SCOPES.filter((scope) => me.scopes.includes(scope));
  const create = h('form', { class: 'card', id: 'create-key', 'aria-labelledby': 'key-title' },
    h('h2', { id: 'key-title' }, 'Create an API key'),
    h('div', { class: 'row' },
      h('div', {}, h('label', { for: 'key-name' }, 'Name'), h('input', { id: 'key-name', name: 'name', required: true, maxlength: '100', placeholder: 'laptop IDE' })),
      h('div', {}, h('label', { for: 'key-days' }, 'Expires after (days, empty for never)'),
        h('input', { id: 'key-days', name: 'days', type: 'number', min: '1', max: '3650', value: '90' }))),
    h('fieldset', { class: 'card' }, h('legend', {}, 'Scopes'),
      scopes.map((scope) => h('label', { class: 'inline' },
        h('input', { type: 'checkbox', name: 'scope', value: scope, checked: scope !== 'admin' }), scope))),
    h('p', {}, h('button', { type: 'submit' }, 'Create key')));

  const password = h('form', { class: 'card', id: 'password-form', 'aria-labelledby': 'password-title' },
    h('h2', { id: 'password-title' }, 'Change your password'),
    h('div', { class: 'row' },
      h('div', {}, h('label', { for: 'current-password' }, 'Current password'),
        h('input', { id: 'current-password', name: 'current', type: 'password', autocomplete: 'current-password', required: true })),
      h('div', {}, h('label', { for: 'new-password' }, 'New password (12 characters or more)'),
        h('input', { id: 'new-password', name: 'next', type: 'password', autocomplete: 'new-password', required: true, minlength: '12' }))),
    h('p', {}, h('button', { type: 'submit' }, 'Change password')));

  const base = `${location.origin}/v1`;
  const continueConfig = `models:\n  - name: DevAssist\n    provider: openai\n    model: devassist\n    apiBase: ${base}\n    apiKey: <your dak_ key>\n    roles: [chat, edit]`;

  main.append(h('div', { class: 'page' },
    h('h1', {}, 'Settings'),
    h('h2', {}, 'API keys'),
    h('p', { class: 'hint' }, 'Keys let IDE plugins and scripts call DevAssist as you. A key is shown once; only its hash is kept.'),
    shown,
    h('table', { 'aria-label': 'API keys' },
      h('thead', {}, h('tr', {}, ['Name', 'Prefix', 'Scopes', 'Created', 'Expires', 'Last used', ''].map((t) => h('th', { scope: 'col' }, t)))),
      rows),
    create,
    h('h2', {}, 'Use DevAssist from your IDE'),
    h('div', { class: 'card' },
      h('p', {}, 'Continue (VS Code, JetBrains): add this model to ', h('code', {}, '~/.continue/config.yaml'),
        ', with a key that has the chat scope. Model ', h('code', {}, 'devassist'), ' answers grounded in your sources; ',
        h('code', {}, 'devassist-agent'), ' may also use tools.'),
      h('pre', { id: 'continue-config' }, continueConfig),
      h('button', { type: 'button', class: 'quiet', onclick: () => copy(continueConfig, 'Configuration copied') }, 'Copy configuration'),
      h('p', { class: 'hint' }, `Any OpenAI-compatible client works the same way: base URL ${base}.`)),
    password));

  create.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = [...create.querySelectorAll('input[name=scope]:checked')].map((box) => box.value);
    const days = create.days.value.trim();
    try {
      const made = await api('POST', '/api/keys', {
        name: create.name.value.trim(), scopes: chosen, expiresInDays: days ? Number(days) : null,
      });
      fill(shown, h('div', { class: 'secret', role: 'status' },
        h('span', {}, 'Your new key, shown only now: '), h('code', { id: 'key-secret' }, made.secret),
        h('button', { type: 'button', class: 'quiet', onclick: () => copy(made.secret, 'Key copied') }, 'Copy')));
      create.name.value = '';
      load();
    } catch (error) {
      toast(error.message, true);
    }
  });

  password.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('POST', '/api/auth/password', { currentPassword: password.current.value, newPassword: password.next.value });
      password.reset();
      toast('Password changed.');
    } catch (error) {
      toast(error.message, true);
    }
  });

  async function load() {
    try {
      const keys = await api('GET', '/api/keys');
      fill(rows, keys.map((key) => {
        const revoke = h('button', { type: 'button', class: 'danger', 'aria-label': `Revoke key ${key.name}` }, 'Revoke');
        revoke.addEventListener('click', async () => {
          if (!confirm(`Revoke ${key.name}? Anything using it stops working at once.`)) return;
          try {
            await api('DELETE', `/api/keys/${encodeURIComponent(key.id)}`);
            toast(`Key ${key.name} revoked.`);
            load();
          } catch (error) {
            toast(error.message, true);
          }
        });
        return h('tr', { dataset: { key: key.id } },
          h('td', {}, key.name), h('td', {}, h('code', {}, `${key.prefix}…`)), h('td', {}, SCOPES.filter((scope) => key.scopes.includes(scope)).join(', ')),
          h('td', {}, when(key.createdAt)), h('td', {}, key.expiresAt ? when(key.expiresAt) : 'never'),
          h('td', {}, key.lastUsedAt ? when(key.lastUsedAt) : 'never'),
          h('td', {}, key.revokedAt ? `revoked ${when(key.revokedAt)}` : revoke));
      }));
      if (!keys.length) fill(rows, h('tr', {}, h('td', { colspan: '7', class: 'hint' }, 'No keys yet.')));
    } catch (error) {
      fill(rows, h('tr', {}, h('td', { colspan: '7', class: 'error' }, error.message)));
    }
  }

  load();
  return null;
}
