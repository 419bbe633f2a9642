// The sources page: add a repository or upload files, watch each indexing job's
// progress live, sync and remove sources.
import { api, upload } from './api.js';
import { h, fill, toast, when } from './dom.js';

const ACTIVE = new Set(['QUEUED', 'RUNNING']);

export function sourcesPage(main) {
  const watchers = new Map();
  const table = h('tbody', { id: 'source-rows' });
  const jobs = h('div', { id: 'jobs', 'aria-live': 'polite' });
  const secret = h('div', { id: 'webhook' });

  const git = h('form', { class: 'card', id: 'add-git', 'aria-labelledby': 'git-title' },
    h('h2', { id: 'git-title' }, 'Add a git repository'),
    h('div', { class: 'row' },
      h('div', {}, h('label', { for: 'git-location' }, 'HTTPS URL or local path'),
        h('input', { id: 'git-location', name: 'location', required: true, placeholder: 'https://gitlab.example.com/team/app.git' })),
      h('div', {}, h('label', { for: 'git-branch' }, 'Branch (optional)'), h('input', { id: 'git-branch', name: 'branch', placeholder: 'default branch' }))),
    h('div', { class: 'row' },
      h('div', {}, h('label', { for: 'git-name' }, 'Name (optional)'), h('input', { id: 'git-name', name: 'name' })),
      h('div', {}, h('label', { for: 'git-token' }, 'Access token (private repositories)'),
        h('input', { id: 'git-token', name: 'token', type: 'password', autocomplete: 'off' }))),
    h('p', {}, h('button', { type: 'submit' }, 'Add repository')));

  const files = h('input', { id: 'upload-files', name: 'files', type: 'file', multiple: true, required: true });
  const sent = h('progress', { max: '1', value: '0', hidden: true, 'aria-label': 'Upload progress' });
  const uploads = h('form', { class: 'card', id: 'upload', 'aria-labelledby': 'upload-title' },
    h('h2', { id: 'upload-title' }, 'Upload files'),
    h('p', { class: 'hint' }, 'Code, Markdown, text, PDF and Office documents.'),
    h('div', { class: 'row' },
      h('div', {}, h('label', { for: 'upload-files' }, 'Files'), files),
      h('div', {}, h('label', { for: 'upload-name' }, 'Name (optional)'), h('input', { id: 'upload-name', name: 'name' }))),
    sent,
    h('p', {}, h('button', { type: 'submit' }, 'Upload')));

  main.append(h('div', { class: 'page' },
    h('h1', {}, 'Sources'),
    h('p', { class: 'hint' }, 'What DevAssist answers from. Each source is indexed in the background; answers cite its files and lines.'),
    jobs,
    h('table', { 'aria-label': 'Sources' },
      h('thead', {}, h('tr', {}, ['Name', 'Kind', 'Status', 'Files', 'Chunks', 'Updated', ''].map((t) => h('th', { scope: 'col' }, t)))),
      table),
    secret, git, uploads));

  git.addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    try {
      const created = await api('POST', '/api/sources', {
        location: form.location.value.trim(), branch: form.branch.value.trim() || null,
        name: form.name.value.trim() || null, accessToken: form.token.value || null,
      });
      form.reset();
      added(created);
    } catch (error) {
      toast(error.message, true);
    }
  });

  uploads.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = new FormData();
    for (const file of files.files) body.append('files', file, file.name);
    const name = uploads.name.value.trim();
    if (name) body.append('name', name);
    sent.hidden = false;
    try {
      const created = await upload('/api/sources/uploads', body, (fraction) => { sent.value = fraction; });
      uploads.reset();
      added(created);
    } catch (error) {
      toast(error.message, true);
    } finally {
      sent.hidden = true;
      sent.value = 0;
    }
  });

  function added(created) {
    toast(`Added ${created.source.name}; indexing has started.`);
    if (created.webhookSecret) {
      const hook = `${location.origin}/api/webhooks/gitlab/${created.source.id}`;
      fill(secret, h('div', { class: 'card' },
        h('h2', {}, 'GitLab push webhook'),
        h('p', {}, 'To re-index on every push, add a webhook in GitLab with this URL and secret token. The token is shown only now.'),
        h('div', { class: 'secret' }, h('code', {}, hook)),
        h('div', { class: 'secret' }, h('code', {}, created.webhookSecret))));
    }
    watch(created.job);
    load();
  }

  async function load() {
    try {
      const sources = await api('GET', '/api/sources');
      fill(table, sources.map(row));
      if (!sources.length) fill(table, h('tr', {}, h('td', { colspan: '7', class: 'hint' }, 'No sources yet: add a repository or upload files below.')));
      const recent = await api('GET', '/api/jobs?limit=20');
      recent.filter((job) => ACTIVE.has(job.status)).forEach(watch);
    } catch (error) {
      fill(table, h('tr', {}, h('td', { colspan: '7', class: 'error' }, error.message)));
    }
  }

  function row(source) {
    const sync = h('button', { type: 'button', class: 'quiet', disabled: source.kind !== 'GIT' }, 'Sync');
    const remove = h('button', { type: 'button', class: 'danger' }, 'Delete');
    sync.addEventListener('click', async () => {
      try {
        watch(await api('POST', `/api/sources/${encodeURIComponent(source.id)}/sync`));
      } catch (error) {
        toast(error.message, true);
      }
    });
    remove.addEventListener('click', async () => {
      if (!confirm(`Remove ${source.name} and everything indexed from it?`)) return;
      try {
        await api('DELETE', `/api/sources/${encodeURIComponent(source.id)}`);
        toast(`${source.name} removed.`);
        load();
      } catch (error) {
        toast(error.message, true);
      }
    });
    return h('tr', { dataset: { source: source.id } },
      h('td', {}, h('strong', {}, source.name), source.location ? h('div', { class: 'hint' }, source.location) : null,
        source.error ? h('div', { class: 'error' }, source.error) : null),
      h('td', {}, source.kind.toLowerCase()),
      h('td', {}, h('span', { class: `badge ${source.status}` }, source.status.toLowerCase())),
      h('td', {}, String(source.fileCount)),
      h('td', {}, String(source.chunkCount)),
      h('td', {}, when(source.updatedAt)),
      h('td', {}, h('div', { class: 'row' }, sync, remove)));
  }

  function watch(job) {
    if (watchers.has(job.id)) return;
    const bar = h('progress', { max: '1', value: '0', 'aria-label': `Indexing job ${job.id}` });
    const label = h('span', {});
    const cancel = h('button', { type: 'button', class: 'quiet' }, 'Cancel');
    const box = h('div', { class: 'job card', dataset: { job: job.id, status: job.status } }, label, bar, cancel);
    cancel.addEventListener('click', () => api('POST', `/api/jobs/${encodeURIComponent(job.id)}/cancel`).catch((e) => toast(e.message, true)));
    jobs.append(box);
    const show = (view) => {
      const p = view.progress;
      const done = p.filesIndexed + p.filesSkipped;
      if (p.filesTotal > 0) bar.value = done / p.filesTotal; else bar.removeAttribute('value');
      const eta = view.etaSeconds != null ? ` · about ${view.etaSeconds} s left` : '';
      label.textContent = `${view.status.toLowerCase()}: ${done} of ${p.filesTotal || '?'} files `
        + `(${p.filesChunked} chunked, ${p.filesEmbedded} embedded, ${p.filesIndexed} indexed, ${p.chunksEmbedded} chunks)${eta}`;
      box.dataset.status = view.status;
    };
    show(job);
    const stream = new EventSource(`/api/jobs/${encodeURIComponent(job.id)}/events`);
    watchers.set(job.id, stream);
    stream.addEventListener('progress', (event) => show(JSON.parse(event.data)));
    stream.addEventListener('done', (event) => {
      const view = JSON.parse(event.data);
      show(view);
      bar.value = 1;
      cancel.remove();
      stream.close();
      watchers.delete(job.id);
      if (view.status === 'FAILED') label.append(h('div', { class: 'error' }, view.error || 'The job failed.'));
      load();
      setTimeout(() => box.remove(), 15000);
    });
    stream.addEventListener('error', () => {
      if (stream.readyState === EventSource.CLOSED) {
        watchers.delete(job.id);
        label.append(' (progress stream lost: reload to follow it)');
      }
    });
  }

  load();
  return () => watchers.forEach((stream) => stream.close());
}
