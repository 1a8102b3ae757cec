// The console's shared state, the test hook, the JSON API client and the event bus modules listen on.
export const TOKEN_KEY = 'kefu.agent.token';
export const MAX_CHARS = 2000;

export const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  agent: null,
  config: null,
  ws: null,
  wsState: 'closed',
  retry: 0,
  retryTimer: 0,
  pingTimer: 0,
  pongTimer: 0,
  pingsSent: 0, // on the current socket, to tell which pong follows which frame
  pongsSeen: 0,
  pingWatch: 0, // the keep-alive ping whose pong is awaited
  visitors: new Map(), // id -> VisitorSummary
  convs: new Map(), // id -> { bySeq: Map, pending: Map, loaded, hasMore, loading, visitorReadSeq }
  selected: null,
  typingOf: new Map(), // visitorId -> timeout (visitor is typing)
  myTyping: { visitorId: null, on: false, sentAt: 0, offTimer: 0 },
};

// Test and debugging hook (shell/README.md lists what tests read from it).
export const hook = {
  state: 'idle', // idle | ringing | connecting | in-call | ended
  wsState: 'closed',
  selectedVisitorId: null,
  lastCall: null,
  peerId: null, // the standing PeerJS id while it is registered
  switchRequest: null, // { video } while the agent is asked to consent to a switch
};
window.__kefuAgent = hook;

// Console events for modules that only listen (call quality, admin, the visitor panel, …):
//   'enter' {agent}  signed in (also after a reload)     'leave'  signed out or expired
//   'select' {id}    a conversation was opened          'media' {call, mc}  a media connection now carries the call
//   'call-end' {call} a call ended
export const bus = new EventTarget();
export const emit = (type, detail) => bus.dispatchEvent(new CustomEvent(type, { detail }));
export const on = (type, fn) => bus.addEventListener(type, (e) => fn(e.detail));

export async function http(method, path, body) {
  const headers = {};
  if (state.token) headers.authorization = `Bearer ${state.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = new Error((data && data.error && data.error.message) || `HTTP ${res.status}`);
    e.status = res.status;
    e.code = data && data.error && data.error.code;
    throw e;
  }
  return data;
}
