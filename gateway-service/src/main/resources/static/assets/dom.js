// Small helpers for building the page without a framework. Text always goes in as text
// nodes, never as HTML, so nothing a server or a document says can become markup here.

/** Makes an element: h('button', {type: 'button', onclick: f}, 'Save'). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** Shows a short message at the corner of the page. */
export function toast(text, bad = false) {
  const note = h('div', { class: bad ? 'bad' : '' }, text);
  document.getElementById('toast').append(note);
  setTimeout(() => note.remove(), bad ? 8000 : 4000);
}

/** A date as the reader's locale writes it. */
export function when(instant) {
  return instant ? new Date(instant).toLocaleString() : '';
}

/** Copies text, saying so. */
export async function copy(text, what = 'Copied') {
  try {
    await navigator.clipboard.writeText(text);
    toast(`${what} to the clipboard.`);
  } catch {
    toast('The browser refused the clipboard: select the text and copy it by hand.', true);
  }
}
