// Administration: the tenant's users, the platform's tenants (for its operator), and
// usage over time.
import { api } from './api.js';
import { h, fill, toast, when } from './dom.js';
import { usageCharts } from './usage.js';

export function adminPage(main, { me }) {
  if (!me.roles.includes('admin')) {
    main.append(h('div', { class: 'page' }, h('h1', {}, 'Admin'), h('p', { role: 'alert' }, 'This page is for your tenant\'s admins.')));
    return null;
  }
  const users = h('tbody', { id: 'user-rows' });
  const issued = h('div', { 'aria-live': 'polite' });
  const addUser = h('form', { class: 'card', id: 'add-user', 'aria-labelledby': 'add-user-title' },
    h('h2', { id: 'add-user-title' }, 'Add a user'),
    h('div', { class: 'row' },
      h('div', {}, h('label', { for: 'new-username' }, 'User name'), h('input', { id: 'new-username', name: 'username', required: true, maxlength: '100' })),
      h('div', {}, h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'admin' }), 'Tenant admin'))),
    h('p', { class: 'hint' }, 'A one-time password is generated and shown once.'),
    h('p', {}, h('button', { type: 'submit' }, 'Add user')));
  const charts = h('div', { class: 'charts', id: 'usage' });
  const days = h('select', { id: 'usage-days', 'aria-label': 'Usage period' },
    [['1', 'Last 24 hours'], ['7', 'Last 7 days'], ['30', 'Last 30 days']].map(([v, t]) => h('option', { value: v, selected: v === '7' }, t)));

  const page = h('div', { class: 'page' },
    h('h1', {}, 'Admin'),
    h('h2', {}, 'Usage'),
    h('p', {}, days),
    charts,
    h('h2', {}, `Users of ${me.tenant}`),
    issued,
    h('table', { 'aria-label': 'Users' },
      h('thead', {}, h('tr', {}, ['User', 'Roles', 'Status', 'Created', ''].map((t) => h('th', { scope: 'col' }, t)))), users),
    addUser);
  main.append(page);

  addUser.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const made = await api('POST', '/api/admin/users', { username: addUser.username.value.trim(), admin: addUser.admin.checked });
      fill(issued, h('div', { class: 'secret', role: 'status' },
        `${made.account.username} can log in with this one-time password: `, h('code', {}, made.password)));
      addUser.reset();
      loadUsers();
    } catch (error) {
      toast(error.message, true);
    }
  });

  async function loadUsers() {
    try {
      const accounts = await api('GET', '/api/admin/users');
      fill(users, accounts.map((account) => {
        const toggle = h('button', { type: 'button', class: account.disabled ? 'quiet' : 'danger', disabled: account.id === me.userId },
          account.disabled ? 'Enable' : 'Disable');
        toggle.addEventListener('click', async () => {
          try {
            await api('PATCH', `/api/admin/users/${encodeURIComponent(account.id)}`, { disabled: !account.disabled });
            loadUsers();
          } catch (error) {
            toast(error.message, true);
          }
        });
        return h('tr', { dataset: { user: account.id } }, h('td', {}, account.username), h('td', {}, account.roles.join(', ')),
          h('td', {}, account.disabled ? 'disabled' : 'active'), h('td', {}, when(account.createdAt)), h('td', {}, toggle));
      }));
    } catch (error) {
      fill(users, h('tr', {}, h('td', { colspan: '5', class: 'error' }, error.message)));
    }
  }

  if (me.roles.includes('operator')) page.append(...tenantSection());
  const stopCharts = usageCharts(charts, days);
  loadUsers();
  return stopCharts;
}

function tenantSection() {
  const rows = h('tbody', { id: 'tenant-rows' });
  const issued = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card', id: 'add-tenant', 'aria-labelledby': 'add-tenant-title' },
    h('h2', { id: 'add-tenant-title' }, 'Add a tenant'),
    h('div', { class: 'row' },
      h('div', {}, h('label', { for: 'tenant-name' }, 'Tenant name'), h('input', { id: 'tenant-name', name: 'tenant', required: true })),
      h('div', {}, h('label', { for: 'tenant-admin' }, 'Its first admin\'s user name'), h('input', { id: 'tenant-admin', name: 'admin', required: true }))),
    h('p', {}, h('button', { type: 'submit' }, 'Add tenant')));
  const load = async () => {
    try {
      const tenants = await api('GET', '/api/admin/tenants');
      fill(rows, tenants.map((t) => h('tr', {}, h('td', {}, t.name), h('td', {}, h('code', {}, t.id)), h('td', {}, when(t.createdAt)))));
    } catch (error) {
      fill(rows, h('tr', {}, h('td', { colspan: '3', class: 'error' }, error.message)));
    }
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const made = await api('POST', '/api/admin/tenants', { name: form.tenant.value.trim(), adminUsername: form.admin.value.trim() });
      fill(issued, h('div', { class: 'secret', role: 'status' },
        `Tenant ${made.tenant.name} made; ${made.admin.username} logs in first with: `, h('code', {}, made.password)));
      form.reset();
      load();
    } catch (error) {
      toast(error.message, true);
    }
  });
  load();
  return [h('h2', {}, 'Tenants'), issued,
    h('table', { 'aria-label': 'Tenants' }, h('thead', {}, h('tr', {}, ['Name', 'Id', 'Created'].map((t) => h('th', { scope: 'col' }, t)))), rows),
    form];
}
