// Calls to the gateway's APIs with the login session: the CSRF token on every change,
// problem+json turned into errors that say what went wrong.

let csrf = null;

/** An API's refusal, carrying its problem+json. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `The server answered ${status}.`);
    this.status = status;
    this.problem = problem;
  }
}

/** Fetches the CSRF token the session's changes must carry. */
export async function loadCsrf() {
  const response = await fetch('/api/auth/csrf', { credentials: 'same-origin' });
  csrf = response.ok ? await response.json() : null;
}

function headers(method, extra = {}) {
  const all = { Accept: 'application/json', ...extra };
  if (method !== 'GET' && method !== 'HEAD' && csrf) {
    all[csrf.headerName] = csrf.token;
  }
  return all;
}

async function failure(response) {
  let problem = {};
  try {
    problem = await response.json();
  } catch {
    // Not JSON: the status alone says it.
  }
  return new ApiError(response.status, problem);
}

/**
 * One call. A body that is FormData goes as multipart, anything else as JSON.
 * With stream set, the open response is returned for the caller to read.
 */
export async function api(method, path, body, { signal, stream = false } = {}) {
  const extra = {};
  let payload;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    extra['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (stream) {
    extra.Accept = 'text/event-stream';
  }
  const response = await fetch(path, {
    method, body: payload, signal, credentials: 'same-origin', headers: headers(method, extra),
  });
  if (!response.ok) {
    throw await failure(response);
  }
  if (stream) {
    return response;
  }
  if (response.status === 204) {
    return null;
  }
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

/** Reads a text/event-stream response as {event, id, data} objects. */
export async function* events(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = { event: 'message', id: null, data: '' };
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.event = text;
        else if (field === 'id') event.id = text;
        else if (field === 'data') data.push(text);
      }
      if (data.length) {
        event.data = data.join('\n');
        yield event;
      }
    }
  }
}

/**
 * Uploads multipart with XMLHttpRequest, the one browser API that reports upload
 * progress; onProgress gets a fraction from 0 to 1.
 */
export function upload(path, form, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    for (const [name, value] of Object.entries(headers('POST'))) {
      request.setRequestHeader(name, value);
    }
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener('load', () => {
      let body = {};
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // An empty or non-JSON answer.
      }
      if (request.status >= 200 && request.status < 300) resolve(body);
      else reject(new ApiError(request.status, body));
    });
    request.addEventListener('error', () => reject(new ApiError(0, { detail: 'The upload did not reach the server.' })));
    request.send(form);
  });
}
