// The agent chat socket (/ws/agent): connect and reconnect with backoff, keep-alive pings, sending.
// Each frame goes to the modules registered for its type (frames.js).
import { el } from './dom.js';
import { state, hook } from './state.js';
import { bilingual } from './util.js';
import { dispatch } from './frames.js';
import { leave, showLogin } from './session.js';

export function setConn(s) {
  state.wsState = s;
  hook.wsState = s;
  const labels = {
    online: ['在线', 'online'],
    connecting: ['连接中', 'connecting'],
    reconnecting: ['重新连接中', 'reconnecting'],
    closed: ['已断开', 'offline'],
  };
  const [zh, en] = labels[s] || labels.closed;
  el.conn.dataset.state = s === 'online' ? 'online' : s === 'closed' ? 'offline' : 'connecting';
  el.conn.replaceChildren(bilingual(zh, en));
}

export function connect() {
  clearTimeout(state.retryTimer);
  if (!state.token) return;
  setConn(state.retry ? 'reconnecting' : 'connecting');
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${proto}//${location.host}/ws/agent`);
  state.ws = ws;
  state.pingsSent = 0;
  state.pongsSeen = 0;
  state.pingWatch = 0;
  ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', data: { token: state.token } }));
  ws.onmessage = (ev) => {
    let frame;
    try {
      frame = JSON.parse(ev.data);
    } catch {
      return;
    }
    if (!frame || typeof frame.type !== 'string') return;
    dispatch(frame.type, frame.data);
  };
  ws.onclose = (ev) => {
    if (state.ws !== ws) return;
    state.ws = null;
    stopPing();
    if (ev.code === 4001) {
      leave();
      showLogin('登录已过期，请重新登录 Session expired, please sign in again');
      return;
    }
    setConn('reconnecting');
    const delay = Math.min(10000, 500 * 2 ** state.retry) * (0.8 + Math.random() * 0.4);
    state.retry = Math.min(state.retry + 1, 6);
    state.retryTimer = setTimeout(connect, delay);
  };
}

export function wsSend(type, data) {
  if (!state.ws || state.ws.readyState !== WebSocket.OPEN || state.wsState !== 'online') return false;
  state.ws.send(JSON.stringify({ type, data }));
  return true;
}

// Application-level ping so a silently dead socket is noticed within ~35 s.
export function startPing() {
  stopPing();
  state.pingTimer = setInterval(() => {
    if (!wsSend('ping', {})) return;
    state.pingsSent++;
    state.pingWatch = state.pingsSent;
    clearTimeout(state.pongTimer);
    state.pongTimer = setTimeout(() => state.ws && state.ws.close(), 10000);
  }, 25000);
}
export function stopPing() {
  clearInterval(state.pingTimer);
  clearTimeout(state.pongTimer);
}

export function onPong() {
  state.pongsSeen++;
  if (state.pongsSeen >= state.pingWatch) clearTimeout(state.pongTimer);
}
