// The chat page: conversations on the left, the open one on the right, answers streamed
// as typed events (DESIGN.md) and rendered as they come.
import { api, events, ApiError } from './api.js';
import { h, fill, toast, copy } from './dom.js';
import { renderMarkdown, citeButton } from './markdown.js';
import { openCitation } from './viewer.js';

const REASONS = ['Wrong', 'Not grounded in the sources', 'Incomplete', 'Cites the wrong lines', 'Other'];

export function chatPage(main, { args }) {
  const state = { conversationId: args[0] || null, turn: null, controller: null, lastQuestion: null };
  const search = h('input', { type: 'search', placeholder: 'Search conversations', 'aria-label': 'Search conversations' });
  const list = h('ul', { id: 'conversations', 'aria-label': 'Conversations' });
  const messages = h('div', { class: 'messages', id: 'messages', 'aria-live': 'polite' });
  const input = h('textarea', {
    id: 'question', rows: '2', placeholder: 'Ask about your code… (Enter sends, Shift+Enter for a new line)',
    'aria-label': 'Your question',
  });
  const send = h('button', { type: 'submit', id: 'send' }, 'Send');
  const stop = h('button', { type: 'button', class: 'danger', id: 'stop', hidden: true }, 'Stop');
  const composer = h('form', { class: 'composer' }, input, stop, send);
  const fresh = h('button', { type: 'button', class: 'quiet' }, 'New conversation');

  main.append(h('div', { class: 'chat' },
    h('aside', { class: 'history', 'aria-label': 'Conversation history' },
      h('div', { class: 'search' }, fresh, search), list),
    h('section', { class: 'thread', 'aria-label': 'Conversation' }, messages, composer)));

  let searchTimer;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(loadList, 250);
  });
  fresh.addEventListener('click', () => {
    state.conversationId = null;
    history.replaceState(null, '', '#/chat');
    showEmpty();
    loadList();
    input.focus();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || state.controller) return;
    input.value = '';
    ask(text);
  });
  stop.addEventListener('click', async () => {
    if (!state.turn) return;
    try {
      await api('POST', `/api/chat/${encodeURIComponent(state.turn)}/stop`);
    } catch (error) {
      toast(error.message, true);
    }
  });

  async function loadList() {
    const q = search.value.trim();
    try {
      const page = await api('GET', `/api/conversations?limit=50${q ? `&q=${encodeURIComponent(q)}` : ''}`);
      fill(list, page.conversations.map((c) => h('li', {},
        h('a', { href: `#/chat/${encodeURIComponent(c.id)}`, 'aria-current': c.id === state.conversationId ? 'true' : null }, c.title))));
      if (!page.conversations.length) fill(list, h('li', { class: 'hint' }, q ? 'Nothing matches.' : 'No conversations yet.'));
    } catch (error) {
      fill(list, h('li', { class: 'error' }, error.message));
    }
  }

  function showEmpty() {
    fill(messages, h('div', { class: 'empty' },
      h('h1', {}, 'Ask about your code'),
      h('p', {}, 'Answers cite the files and lines they rest on. Add a repository under ',
        h('a', { href: '#/sources' }, 'Sources'), ' first if you have not yet.')));
  }

  async function loadConversation() {
    try {
      const transcript = await api('GET', `/api/conversations/${encodeURIComponent(state.conversationId)}`);
      fill(messages);
      for (const message of transcript.messages) {
        if (message.role === 'user') {
          messages.append(userMessage(message.content));
          state.lastQuestion = message.content;
        } else if (message.role === 'assistant') {
          const view = answerView();
          for (const citation of message.citations || []) view.addCitation(citation);
          view.setText(message.content);
          if (message.error) view.fail(message.error);
          view.finish({ messageId: message.id, status: message.status, mode: message.mode, model: message.model,
            latencyMs: message.usage && message.usage.latencyMs, feedback: message.feedback });
          messages.append(view.element);
        }
      }
      messages.scrollTop = messages.scrollHeight;
    } catch (error) {
      fill(messages, h('p', { class: 'error', role: 'alert' }, error.message));
    }
  }

  function userMessage(text) {
    return h('div', { class: 'msg user' }, h('div', { class: 'role' }, 'You'), h('div', { class: 'body' }, text));
  }

  function answerView() {
    const body = h('div', { class: 'body' });
    const notes = h('div', {});
    const chips = h('div', { class: 'sources-list', 'aria-label': 'Cited sources' });
    const meta = h('div', { class: 'meta' });
    const element = h('div', { class: 'msg assistant' }, h('div', { class: 'role' }, 'DevAssist'), notes, body, chips, meta);
    const citations = new Map();
    let text = '';
    let pending = false;
    const render = () => {
      pending = false;
      renderMarkdown(body, text, citations, openCitation);
    };
    const schedule = () => {
      if (!pending) {
        pending = true;
        requestAnimationFrame(render);
      }
    };
    return {
      element,
      append(delta) { text += delta; schedule(); },
      setText(value) { text = value; render(); },
      addCitation(citation) {
        if (citations.has(citation.index)) return;
        citations.set(citation.index, citation);
        chips.append(citeButton(citation, openCitation));
        schedule();
      },
      note(value) { notes.append(h('div', { class: 'notice' }, value)); },
      fail(detail) { notes.append(h('div', { class: 'notice error', role: 'alert' }, detail)); },
      finish(done) { render(); fill(meta, metaLine(done, () => text)); },
    };
  }

  function metaLine(done, answer) {
    const parts = [];
    if (done.status && done.status !== 'complete') parts.push(h('span', {}, done.status));
    if (done.mode) parts.push(h('span', {}, done.mode === 'retrieval-only' ? 'retrieval only' : done.mode));
    if (done.model) parts.push(h('span', {}, done.model));
    if (done.latencyMs != null) parts.push(h('span', {}, `${(done.latencyMs / 1000).toFixed(1)} s`));
    const copyButton = h('button', { type: 'button', class: 'quiet' }, 'Copy');
    copyButton.addEventListener('click', () => copy(answer(), 'Answer copied'));
    parts.push(copyButton);
    if (done.messageId && state.conversationId) {
      parts.push(...feedbackButtons(done.messageId, done.feedback));
    }
    const again = h('button', { type: 'button', class: 'quiet', 'data-action': 'regenerate' }, 'Regenerate');
    again.addEventListener('click', () => {
      if (state.lastQuestion && !state.controller) ask(state.lastQuestion);
    });
    parts.push(again);
    return parts;
  }

  function feedbackButtons(messageId, given) {
    const conversation = state.conversationId;
    const up = h('button', { type: 'button', class: 'quiet', 'aria-pressed': String(given?.rating === 'up') }, 'Helpful');
    const down = h('button', { type: 'button', class: 'quiet', 'aria-pressed': String(given?.rating === 'down') }, 'Not helpful');
    const reason = h('select', { 'aria-label': 'What was wrong', hidden: true },
      h('option', { value: '' }, 'What was wrong?'), REASONS.map((r) => h('option', { value: r }, r)));
    const send = async (rating, why) => {
      try {
        await api('PUT', `/api/conversations/${encodeURIComponent(conversation)}/messages/${encodeURIComponent(messageId)}/feedback`,
          { rating, reason: why || null });
        up.setAttribute('aria-pressed', String(rating === 'up'));
        down.setAttribute('aria-pressed', String(rating === 'down'));
        toast('Thanks for the feedback.');
      } catch (error) {
        toast(error.message, true);
      }
    };
    up.addEventListener('click', () => { reason.hidden = true; send('up'); });
    down.addEventListener('click', () => { reason.hidden = false; send('down'); reason.focus(); });
    reason.addEventListener('change', () => { if (reason.value) send('down', reason.value); });
    return [up, down, reason];
  }

  async function ask(question) {
    if (messages.querySelector('.empty')) fill(messages);
    state.lastQuestion = question;
    messages.append(userMessage(question));
    const view = answerView();
    messages.append(view.element);
    messages.scrollTop = messages.scrollHeight;
    state.controller = new AbortController();
    send.disabled = true;
    stop.hidden = false;
    let lastSeq = 0;
    let finished = false;
    const handle = (event) => {
      const data = JSON.parse(event.data);
      if (data.seq) lastSeq = Math.max(lastSeq, data.seq);
      switch (data.type) {
        case 'start':
          state.turn = data.turnId;
          if (state.conversationId !== data.conversationId) {
            state.conversationId = data.conversationId;
            history.replaceState(null, '', `#/chat/${encodeURIComponent(data.conversationId)}`);
          }
          break;
        case 'retrieval':
          if (data.unavailable) view.note('The sources could not be searched: this answer has no evidence.');
          break;
        case 'notice':
          view.note(data.mode === 'retrieval-only' ? `Retrieval only: ${data.reason}` : data.reason);
          break;
        case 'delta': view.append(data.text); break;
        case 'citation': view.addCitation(data); break;
        case 'tool_call': view.note(`Tool ${data.name}(${data.arguments})`); break;
        case 'error': view.fail(data.detail || data.code); break;
        case 'done':
          finished = true;
          view.finish(data);
          break;
        default: break;
      }
      messages.scrollTop = messages.scrollHeight;
    };
    try {
      const response = await api('POST', '/api/chat', { conversationId: state.conversationId, message: question },
        { stream: true, signal: state.controller.signal });
      for await (const event of events(response)) handle(event);
      // A dropped connection: the turn goes on on the server, so pick its stream up again.
      for (let attempt = 0; !finished && state.turn && attempt < 3; attempt += 1) {
        const resumed = await api('GET', `/api/chat/${encodeURIComponent(state.turn)}/events?after=${lastSeq}`,
          undefined, { stream: true, signal: state.controller.signal });
        for await (const event of events(resumed)) handle(event);
      }
      if (!finished) view.fail('The answer stream ended early.');
    } catch (error) {
      view.fail(error instanceof ApiError ? error.message : `The answer stream broke: ${error.message}`);
    } finally {
      state.controller = null;
      state.turn = null;
      send.disabled = false;
      stop.hidden = true;
      loadList();
    }
  }

  loadList();
  if (state.conversationId) loadConversation(); else showEmpty();
  input.focus();
  return () => state.controller && state.controller.abort();
}
