// Sign-in, sign-out and the start of a session (also after a reload, from the stored token).
import { el } from './dom.js';
import { state, hook, http, emit, TOKEN_KEY } from './state.js';
import { rings, cs } from './call-state.js';
import { shift } from './shift-ui.js';
import { connect, setConn, stopPing } from './socket.js';
import { startStanding, stopStanding } from './standing-peer.js';
import { clearVisitorRows, renderVisitors } from './visitors.js';
import { renderChat } from './chat-view.js';
import { renderCallCard } from './call-card.js';
import { endCall } from './calls.js';

const unlockAudio = () => shift.unlockAudio();

export function showLogin(message) {
  el.console.hidden = true;
  el.loginView.hidden = false;
  el.loginError.hidden = !message;
  el.loginError.textContent = message || '';
  el.loginUser.focus();
}

el.loginForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  unlockAudio();
  const username = el.loginUser.value.trim();
  const password = el.loginPass.value;
  if (!username || !password) return showLogin('请输入账号和密码 Enter your username and password');
  el.loginSubmit.disabled = true;
  try {
    state.token = null;
    const r = await http('POST', '/api/agent/login', { username, password });
    state.token = r.token;
    sessionStorage.setItem(TOKEN_KEY, r.token);
    el.loginPass.value = '';
    await enter(r.agent);
  } catch (err) {
    const msg = err.status === 401 ? '账号或密码错误 Wrong username or password'
      : err.status === 429 ? '尝试次数过多，请稍后再试 Too many attempts, try again later'
        : `登录失败 Sign-in failed: ${err.message}`;
    showLogin(msg);
  } finally {
    el.loginSubmit.disabled = false;
  }
});

el.logout.addEventListener('click', async () => {
  if (cs.active) endCall('agent', true);
  try {
    await http('POST', '/api/agent/logout');
  } catch {
    /* the token is dropped anyway */
  }
  leave();
  showLogin('');
});

export function leave() {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  state.agent = null;
  clearTimeout(state.retryTimer);
  if (state.ws) {
    state.ws.onclose = null;
    state.ws.close();
    state.ws = null;
  }
  stopPing();
  setConn('closed');
  stopStanding();
  state.visitors.clear();
  state.convs.clear();
  state.selected = null;
  hook.selectedVisitorId = null;
  rings.clear();
  clearVisitorRows();
  renderVisitors();
  renderChat();
  renderCallCard();
  emit('leave');
}

export async function enter(agent) {
  state.agent = agent;
  el.agentName.textContent = agent.name;
  el.loginView.hidden = true;
  el.console.hidden = false;
  shift.start();
  if (!state.config) {
    try {
      state.config = await http('GET', '/api/config');
    } catch {
      state.config = null; // retried when the peer is created
    }
  }
  connect();
  startStanding();
  emit('enter', { agent });
}

export async function boot() {
  if (!state.token) return showLogin('');
  try {
    const r = await http('GET', '/api/agent/me');
    await enter(r.agent);
  } catch (err) {
    if (err.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      state.token = null;
      showLogin('登录已过期，请重新登录 Session expired, please sign in again');
    } else {
      showLogin(`无法连接服务器 Cannot reach the server: ${err.message}`);
    }
  }
}

export function leaveExpired() {
  leave();
  showLogin('登录已过期，请重新登录 Session expired, please sign in again');
}
