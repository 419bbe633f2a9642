// A dialog showing a cited file around the cited lines, those lines marked.
import { api } from './api.js';
import { h, fill } from './dom.js';

const CONTEXT = 15;

function filePath(sourceId, path, start, end) {
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  return `/api/sources/${encodeURIComponent(sourceId)}/files/${encoded}?start=${start}&end=${end}`;
}

/** Opens the cited lines of a file. */
export async function openCitation(citation) {
  const lines = h('pre', { class: 'lines', tabindex: '0', 'aria-label': 'File content' });
  const close = h('button', { type: 'button', class: 'quiet' }, 'Close');
  const dialog = h('dialog', { class: 'viewer', 'aria-labelledby': 'viewer-title' },
    h('header', {},
      h('strong', { id: 'viewer-title' }, `${citation.path} · lines ${citation.startLine}–${citation.endLine}`),
      close),
    lines);
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  fill(lines, 'Loading…');
  try {
    const file = await api('GET', filePath(citation.sourceId, citation.path,
      Math.max(1, citation.startLine - CONTEXT), citation.endLine + CONTEXT));
    fill(lines, file.lines.map((text, i) => {
      const number = file.startLine + i;
      const hit = number >= citation.startLine && number <= citation.endLine;
      return h('div', { class: hit ? 'line hit' : 'line', dataset: { line: String(number) } },
        h('span', { class: 'no' }, String(number)), h('code', {}, text || ' '));
    }));
    const first = lines.querySelector('.hit');
    if (first) first.scrollIntoView({ block: 'center' });
  } catch (error) {
    fill(lines, h('span', { class: 'error', role: 'alert' }, error.message));
  }
}
