// The web UI's entry: who is logged in, the login form, and which page the address names.
import { api, loadCsrf, ApiError } from './api.js';
import { h, fill, toast } from './dom.js';
import { chatPage } from './chat.js';
import { sourcesPage } from './sources.js';
import { settingsPage } from './settings.js';
import { adminPage } from './admin.js';

const main = document.getElementById('main');
const pages = { chat: chatPage, sources: sourcesPage, settings: settingsPage, admin: adminPage };
let me = null;
let leave = null;

async function start() {
  await loadCsrf();
  try {
    me = await api('GET', '/api/auth/me');
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    me = null;
  }
  document.getElementById('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', route);
  route();
}

function route() {
  if (leave) {
    leave();
    leave = null;
  }
  if (!me) {
    showLogin();
    return;
  }
  document.getElementById('top').hidden = false;
  document.getElementById('who').textContent = `${me.username} · ${me.tenant}`;
  document.getElementById('nav-admin').hidden = !me.roles.includes('admin');
  const [name = 'chat', ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  const page = pages[name] ? name : 'chat';
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === page) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `DevAssist · ${page[0].toUpperCase()}${page.slice(1)}`;
  main.replaceChildren();
  leave = pages[page](main, { me, args: rest.map(decodeURIComponent) }) || null;
}

function showLogin() {
  document.getElementById('top').hidden = true;
  document.title = 'DevAssist · Log in';
  const problem = h('p', { class: 'error', id: 'login-error', role: 'alert' });
  const refused = {
    'sso-disabled': 'Your account is disabled; ask an admin of your tenant.',
    'sso-failed': 'The single sign-on did not complete; try again.',
  }[location.hash.replace(/^#\/login\//, '')];
  if (refused) problem.textContent = refused;
  const sso = h('div', { id: 'sso' });
  const form = h('form', { class: 'login card', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Log in to DevAssist'),
    h('label', { for: 'username' }, 'User name'),
    h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true }),
    h('label', { for: 'password' }, 'Password'),
    h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    problem,
    h('button', { type: 'submit' }, 'Log in'),
    sso,
    h('p', { class: 'hint' }, 'First start? The admin\'s one-time password is in the gateway\'s log.'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.textContent = '';
    try {
      me = await api('POST', '/api/auth/login', {
        username: form.username.value.trim(), password: form.password.value,
      });
      await loadCsrf();
      if (!location.hash || location.hash === '#/' || location.hash.startsWith('#/login')) location.hash = '#/chat';
      route();
    } catch (error) {
      problem.textContent = error.message;
      form.password.select();
    }
  });
  fill(main, form);
  form.username.focus();
  api('GET', '/api/auth/options').then((options) => {
    fill(sso, options.sso.map((provider) => h('a', { class: 'button sso', href: provider.url }, `Sign in with ${provider.name}`)));
  }).catch(() => {});
}

async function logout() {
  try {
    await api('POST', '/api/auth/logout');
  } catch (error) {
    toast(error.message, true);
  }
  me = null;
  await loadCsrf();
  route();
}

start().catch((error) => {
  fill(main, h('p', { class: 'page error', role: 'alert' }, `The UI could not start: ${error.message}`));
});
