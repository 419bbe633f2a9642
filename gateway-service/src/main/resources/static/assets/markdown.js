// Answers as Markdown: parsed by marked, cleaned by DOMPurify (an answer may quote
// anything a document held), code highlighted by highlight.js, and the answer's [n]
// markers turned into buttons that open the cited lines.
import { marked } from '/webjars/marked/lib/marked.esm.js';
import { h, copy } from './dom.js';

marked.use({ gfm: true, breaks: false });

/**
 * Renders Markdown into the element.
 * @param target where the answer goes
 * @param text the Markdown so far (it may end mid-sentence while streaming)
 * @param citations index → citation, for the [n] markers
 * @param open called with a citation when its marker is clicked
 */
export function renderMarkdown(target, text, citations, open) {
  const html = window.DOMPurify.sanitize(marked.parse(text), { USE_PROFILES: { html: true } });
  const template = document.createElement('template');
  template.innerHTML = html;
  for (const link of template.content.querySelectorAll('a[href]')) {
    link.setAttribute('rel', 'noopener noreferrer');
    link.setAttribute('target', '_blank');
  }
  markCitations(template.content, citations, open);
  for (const block of template.content.querySelectorAll('pre > code')) {
    if (window.hljs) window.hljs.highlightElement(block);
    const button = h('button', { type: 'button', class: 'quiet copy', 'aria-label': 'Copy code' }, 'Copy');
    button.addEventListener('click', () => copy(block.textContent, 'Code copied'));
    block.parentElement.prepend(button);
  }
  target.replaceChildren(template.content);
}

function markCitations(root, citations, open) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement && node.parentElement.closest('code, pre')
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  for (const node of texts) {
    const parts = node.textContent.split(/\[(\d{1,3})\]/);
    if (parts.length === 1) continue;
    const pieces = [];
    parts.forEach((part, i) => {
      if (i % 2 === 0) {
        if (part) pieces.push(document.createTextNode(part));
        return;
      }
      const citation = citations.get(Number(part));
      if (!citation) {
        pieces.push(document.createTextNode(`[${part}]`));
        return;
      }
      pieces.push(citeButton(citation, open, String(citation.index)));
    });
    node.replaceWith(...pieces);
  }
}

/** A button that opens a citation; the label defaults to its file and lines. */
export function citeButton(citation, open, label) {
  const where = `${citation.path}:${citation.startLine}-${citation.endLine}`;
  const button = h('button', {
    type: 'button', class: label ? 'cite' : 'chip', title: where,
    'aria-label': `Source ${citation.index}: ${where}`, dataset: { cite: String(citation.index) },
  }, label || `[${citation.index}] ${where}`);
  button.addEventListener('click', () => open(citation));
  return button;
}
