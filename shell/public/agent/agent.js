'use strict';
// 客服工作台 Agent console: visitor list, conversations, replies and PeerJS voice/video calls.
// Plain DOM, CSP-clean (no inline code), every chat text goes through textContent. An ES module: the
// shift tools (notifications, sound, drafts, notes, search, canned replies) come from shift.js.
import { createShift } from './shift.js';

(function () {
  const MAX_CHARS = 2000;
  const PAGE = 30;
  const TOKEN_KEY = 'kefu.agent.token';
  const $ = (id) => document.getElementById(id);

  const el = {
    loginView: $('login-view'), loginForm: $('login-form'), loginUser: $('login-user'), loginPass: $('login-pass'),
    loginError: $('login-error'), loginSubmit: $('login-submit'),
    console: $('console-view'), conn: $('conn-status'), agentName: $('agent-name'), logout: $('logout'),
    visitorList: $('visitor-list'), visitorEmpty: $('visitor-empty'), visitorCount: $('visitor-count'), filter: $('visitor-filter'),
    chatEmpty: $('chat-empty'), chatPane: $('chat-pane'), chatName: $('chat-name'), chatDot: $('chat-dot'),
    chatPresence: $('chat-presence'), chatMeta: $('chat-meta'),
    messages: $('messages'), messageList: $('message-list'), loadOlder: $('load-older'), historyStart: $('history-start'),
    typing: $('typing-indicator'), replyForm: $('reply-form'), reply: $('reply'), send: $('send'),
    replyCount: $('reply-count'), replyError: $('reply-error'),
    callCard: $('call-card'), callKind: $('call-kind'), callName: $('call-name'), callStatus: $('call-status'),
    callTimer: $('call-timer'), callAccept: $('call-accept'), callReject: $('call-reject'), callHangup: $('call-hangup'),
    callMute: $('call-mute'), callQueue: $('call-queue'),
    remoteVideo: $('agent-remote-video'), remoteAudio: $('agent-remote-audio'), localVideo: $('agent-local-video'),
    switchPrompt: $('switch-prompt'), switchAccept: $('switch-accept'), switchDecline: $('switch-decline'),
  };

  // ---------------------------------------------------------------- state
  const state = {
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

  // Test and debugging hook.
  const hook = {
    state: 'idle', // idle | ringing | connecting | in-call | ended
    wsState: 'closed',
    selectedVisitorId: null,
    lastCall: null,
    peerId: null, // the standing PeerJS id while it is registered
    switchRequest: null, // { video } while the agent is asked to consent to a switch
  };
  window.__kefuAgent = hook;
  const shift = createShift({
    hook, http, node, fmtTime, select,
    selected: () => state.selected,
    visitor: (id) => state.visitors.get(id),
    agent: () => state.agent,
    addVisitor: (v) => {
      if (v && v.id) state.visitors.set(v.id, v);
      renderVisitors();
    },
  });

  // ---------------------------------------------------------------- helpers
  const chars = (s) => [...s].length;
  const rid = () => `a_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  const pad = (n) => String(n).padStart(2, '0');

  function fmtTime(t) {
    const d = new Date(t);
    const now = new Date();
    const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    if (d.toDateString() === now.toDateString()) return hm;
    if (d.getFullYear() === now.getFullYear()) return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
  }
  function fmtClock(secs) {
    const s = Math.max(0, Math.floor(secs));
    const h = Math.floor(s / 3600);
    return h ? `${h}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}` : `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
  }
  function node(tag, cls, text) {
    const n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function bilingual(zh, en) {
    const frag = document.createDocumentFragment();
    frag.append(`${zh} `, node('span', 'en', en));
    return frag;
  }

  async function http(method, path, body) {
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

  // ---------------------------------------------------------------- login
  function showLogin(message) {
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
    if (activeCall) endCall('agent', true);
    try {
      await http('POST', '/api/agent/logout');
    } catch {
      /* the token is dropped anyway */
    }
    leave();
    showLogin('');
  });

  function leave() {
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
    rows.clear();
    el.visitorList.replaceChildren();
    renderVisitors();
    renderChat();
    renderCallCard();
  }

  async function enter(agent) {
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
  }

  async function boot() {
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

  // ---------------------------------------------------------------- socket
  function setConn(s) {
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

  function connect() {
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
      try {
        onFrame(frame.type, frame.data);
      } catch (err) {
        console.error('frame handling failed', frame.type, err);
      }
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

  function wsSend(type, data) {
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN || state.wsState !== 'online') return false;
    state.ws.send(JSON.stringify({ type, data }));
    return true;
  }

  // Application-level ping so a silently dead socket is noticed within ~35 s.
  function startPing() {
    stopPing();
    state.pingTimer = setInterval(() => {
      if (!wsSend('ping', {})) return;
      state.pingsSent++;
      state.pingWatch = state.pingsSent;
      clearTimeout(state.pongTimer);
      state.pongTimer = setTimeout(() => state.ws && state.ws.close(), 10000);
    }, 25000);
  }
  function stopPing() {
    clearInterval(state.pingTimer);
    clearTimeout(state.pongTimer);
  }

  function onFrame(type, data) {
    switch (type) {
      case 'hello': return onHello(data);
      case 'visitor': return onVisitor(data);
      case 'visitor_removed': return onVisitorRemoved(data);
      case 'message': return onMessage(data);
      case 'ack': return onAck(data);
      case 'typing': return onTyping(data);
      case 'read': return onRead(data);
      case 'error': return onError(data);
      case 'call': return onRing(data);
      case 'call_end': return onCallEnd(data);
      case 'call_media': return undefined; // the kind of our own call follows its media connection
      case 'call_peer': return onCallPeer(data);
      case 'pong': return onPong();
      case 'note': return shift.note(data);
      case 'team': case 'presence': case 'agent_presence': case 'assigned':
        return teamUi ? teamUi.onFrame(type, data) : undefined;
      default: console.warn('unknown frame type', type);
    }
  }

  function onHello(data) {
    state.retry = 0;
    setConn('online');
    startPing();
    state.agent = data.agent || state.agent;
    el.agentName.textContent = state.agent ? state.agent.name : '';
    if (teamUi) teamUi.hello(data);
    state.visitors.clear();
    for (const v of data.visitors || []) state.visitors.set(v.id, v);
    renderVisitors();
    // Catch up conversations that were open, resend replies that were not acknowledged.
    for (const [id, conv] of state.convs) {
      if (conv.loaded) catchUp(id);
      for (const m of conv.pending.values()) if (!m.failed) wsSend('message', { visitorId: id, id: m.id, text: m.text });
    }
    // The server forgot this socket's standing peer id with the old socket.
    if (standing.id) wsSend('peer', { peerId: standing.id });
    // Calls still ringing (or ours, still running).
    const calls = data.calls || [];
    syncRings(calls);
    const mine = activeCall && calls.find((c) => c.callId === activeCall.callId);
    if (activeCall && !mine) endCall('ended', false);
    else if (mine && mine.state === 'active' && activeCall.accepted) activeCall.confirmed = true;
    renderCallCard();
    if (state.selected) {
      renderChat();
      markRead();
    }
  }

  // ---------------------------------------------------------------- visitors
  const activity = (v) => Math.max(v.lastSeen || 0, v.lastMessage ? v.lastMessage.time : 0);

  function onVisitor(v) {
    if (!v || !v.id) return;
    // A visitor who left without writing anything is not worth a row.
    if (!v.online && !v.lastMessage && v.id !== state.selected) {
      if (state.visitors.delete(v.id)) scheduleLayout();
      return;
    }
    state.visitors.set(v.id, v);
    refreshVisitor(v.id);
    if (v.id === state.selected) renderChatHead();
  }

  // The visitor asked to be forgotten: its row and its conversation go.
  function onVisitorRemoved(data) {
    const id = data && data.visitorId;
    if (typeof id !== 'string' || !state.visitors.delete(id)) return;
    state.convs.delete(id);
    if (state.selected === id) {
      state.selected = null;
      hook.selectedVisitorId = null;
      renderChat();
    }
    renderVisitors(); // rare: the whole list is laid out again
  }

  function previewOf(m) {
    if (!m) return '';
    if (m.from === 'system') return `[${m.text}]`;
    return (m.from === 'agent' ? '我: ' : '') + m.text.replace(/\s+/g, ' ');
  }

  // The list keeps one row per visitor between updates: a typing, presence or message change rewrites
  // that row alone. Rows are put in order again only when the order must change, and not while the
  // pointer moves over the list (a row could slide under a click): once it has rested or left.
  const rows = new Map(); // visitorId -> { li, dot, name, time, preview, badge }
  const list = { hover: false, pointerAt: 0, timer: 0 };
  const HOLD_MS = 1500;
  const setText = (n, t) => {
    if (n.textContent !== t) n.textContent = t;
  };
  // Most recent activity first; the id settles ties, so equal rows never swap.
  const byActivity = (a, b) => activity(b) - activity(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const filterText = () => el.filter.value.trim().toLowerCase();
  const listed = (v, q) => (!teamUi || teamUi.listed(v)) && (!q || `${v.name} ${v.id} ${v.email || ''}`.toLowerCase().includes(q));

  function fillRow(v) {
    let r = rows.get(v.id);
    if (!r) {
      const li = node('li', 'visitor-item');
      li.dataset.visitorId = v.id;
      r = { li, dot: node('span', 'dot'), name: node('span', 'name'), time: node('span', 'time'), preview: node('span', 'preview'), badge: node('span', 'badge') };
      li.append(r.dot, r.name, r.time, node('span'), r.preview);
      rows.set(v.id, r);
    }
    r.li.classList.toggle('selected', v.id === state.selected);
    r.dot.className = `dot${v.online ? ' online' : ''}`;
    r.dot.title = v.online ? '在线 online' : '离线 offline';
    setText(r.name, v.name || v.id);
    setText(r.time, fmtTime(activity(v)));
    fillPreview(r, v);
    if (v.unread > 0) {
      setText(r.badge, v.unread > 99 ? '99+' : String(v.unread));
      if (r.badge.parentNode !== r.li) r.li.append(r.badge);
    } else {
      r.badge.remove();
    }
    return r;
  }

  function fillPreview(r, v) {
    const typing = state.typingOf.has(v.id);
    r.preview.classList.toggle('typing', typing);
    setText(r.preview, typing ? '正在输入… typing…' : previewOf(v.lastMessage));
  }

  // Puts every listed row in place; moves DOM nodes only where the order differs.
  function renderVisitors() {
    clearTimeout(list.timer);
    list.timer = 0;
    const q = filterText();
    const all = [...state.visitors.values()].sort(byActivity);
    for (const id of [...rows.keys()]) {
      if (!state.visitors.has(id)) {
        rows.get(id).li.remove();
        rows.delete(id);
      }
    }
    const want = all.filter((v) => listed(v, q)).map((v) => fillRow(v).li);
    const have = el.visitorList.children;
    if (want.length !== have.length || want.some((li, i) => have[i] !== li)) el.visitorList.replaceChildren(...want);
    renderListSummary(all);
  }

  function renderListSummary(all = [...state.visitors.values()]) {
    el.visitorEmpty.hidden = all.length > 0;
    const online = all.filter((v) => v.online).length;
    el.visitorCount.textContent = all.length ? `${online} 在线 online / ${all.length}` : '';
    if (teamUi) teamUi.renderTabs();
    const unread = all.reduce((n, v) => n + (v.unread || 0), 0);
    shift.counts({ unread });
  }

  // A new order is laid out soon, but not under a moving pointer.
  function scheduleLayout() {
    if (list.timer) return;
    const wait = list.hover ? Math.max(0, list.pointerAt + HOLD_MS - Date.now()) : 0;
    list.timer = setTimeout(() => {
      list.timer = 0;
      if (list.hover && Date.now() - list.pointerAt < HOLD_MS) scheduleLayout();
      else renderVisitors();
    }, wait);
  }

  // One visitor changed: its row is rewritten in place; the list is laid out again only if the row
  // is new, gone from the filter, or out of order now.
  function refreshVisitor(id) {
    const v = state.visitors.get(id);
    const r = rows.get(id);
    if (!v || !r || r.li.parentNode !== el.visitorList) {
      if (!v || listed(v, filterText())) scheduleLayout();
      else if (teamUi) teamUi.renderTabs(); // not in this list, but it counts in another one
      return;
    }
    fillRow(v);
    const prev = r.li.previousElementSibling && state.visitors.get(r.li.previousElementSibling.dataset.visitorId);
    const next = r.li.nextElementSibling && state.visitors.get(r.li.nextElementSibling.dataset.visitorId);
    if (!listed(v, filterText()) || (prev && byActivity(prev, v) > 0) || (next && byActivity(v, next) > 0)) scheduleLayout();
    renderListSummary();
  }

  el.visitorList.addEventListener('click', (e) => {
    const li = e.target.closest('.visitor-item');
    if (li) select(li.dataset.visitorId);
  });
  const pointerHere = () => {
    list.hover = true;
    list.pointerAt = Date.now();
  };
  el.visitorList.addEventListener('pointerenter', pointerHere);
  el.visitorList.addEventListener('pointermove', pointerHere);
  el.visitorList.addEventListener('pointerdown', pointerHere);
  el.visitorList.addEventListener('pointerleave', () => {
    list.hover = false;
    if (list.timer) {
      clearTimeout(list.timer);
      list.timer = 0;
      renderVisitors();
    }
  });
  el.filter.addEventListener('input', renderVisitors);
  // Team parts (team.js): list tabs, presence switch, transfer and close.
  const teamUi = window.KefuTeam
    ? window.KefuTeam.create({ http, wsSend, relist: renderVisitors, selected: () => state.selected, visitors: () => state.visitors, node })
    : null;

  // ---------------------------------------------------------------- conversations
  function conv(id) {
    let c = state.convs.get(id);
    if (!c) {
      c = { bySeq: new Map(), pending: new Map(), loaded: false, hasMore: false, loading: false, visitorReadSeq: 0, readSent: 0 };
      const v = state.visitors.get(id);
      if (v && v.visitorReadSeq) c.visitorReadSeq = v.visitorReadSeq;
      state.convs.set(id, c);
    }
    return c;
  }
  const oldestSeq = (c) => Math.min(...c.bySeq.keys());
  const newestSeq = (c) => (c.bySeq.size ? Math.max(...c.bySeq.keys()) : 0);

  function addMessages(c, list) {
    for (const m of list) {
      c.bySeq.set(m.seq, m);
      c.pending.delete(m.id);
    }
  }

  async function select(id) {
    if (!id) return;
    if (state.selected && state.selected !== id) sendMyTyping(false);
    const before = rows.get(state.selected);
    if (before) before.li.classList.remove('selected');
    state.selected = id;
    hook.selectedVisitorId = id;
    el.reply.value = shift.draftFor(id);
    updateCounter();
    const row = rows.get(id);
    if (row) row.li.classList.add('selected');
    const c = conv(id);
    renderChat(true);
    shift.opened(id);
    if (!c.loaded) await loadPage(id, false);
    markRead();
    el.reply.focus();
  }

  async function loadPage(id, older) {
    const c = conv(id);
    if (c.loading) return;
    c.loading = true;
    try {
      const qs = new URLSearchParams({ limit: String(PAGE) });
      if (older && c.bySeq.size) qs.set('before', String(oldestSeq(c)));
      const r = await http('GET', `/api/agent/visitors/${encodeURIComponent(id)}/messages?${qs}`);
      addMessages(c, r.messages);
      if (older || !c.loaded) c.hasMore = r.hasMore;
      c.loaded = true;
    } catch (err) {
      if (err.status === 401) return leaveExpired();
      console.warn('history load failed', err);
    } finally {
      c.loading = false;
    }
    if (id === state.selected) renderChat(!older, older);
  }

  async function catchUp(id) {
    const c = conv(id);
    let more = true;
    while (more) {
      try {
        const r = await http('GET', `/api/agent/visitors/${encodeURIComponent(id)}/messages?after=${newestSeq(c)}&limit=100`);
        addMessages(c, r.messages);
        more = r.hasMore && r.messages.length > 0;
      } catch {
        more = false;
      }
    }
    if (id === state.selected) renderChat();
  }

  function leaveExpired() {
    leave();
    showLogin('登录已过期，请重新登录 Session expired, please sign in again');
  }

  el.loadOlder.addEventListener('click', () => state.selected && loadPage(state.selected, true));
  el.messages.addEventListener('scroll', () => {
    const c = state.selected && state.convs.get(state.selected);
    if (c && c.loaded && c.hasMore && !c.loading && el.messages.scrollTop < 40) loadPage(state.selected, true);
  });

  function onMessage(m) {
    if (!m || !m.visitorId) return;
    shift.message(m, !(state.visitors.get(m.visitorId) || {}).lastMessage);
    const c = state.convs.get(m.visitorId);
    if (c && c.loaded) {
      addMessages(c, [m]);
      if (m.visitorId === state.selected) {
        renderChat();
        if (m.from === 'visitor') markRead();
      }
    }
    if (m.from === 'visitor') clearVisitorTyping(m.visitorId);
    const v = state.visitors.get(m.visitorId);
    if (v) {
      v.lastMessage = m;
      refreshVisitor(v.id);
    }
  }

  function onAck(a) {
    const c = state.convs.get(a.visitorId);
    if (!c) return;
    const p = c.pending.get(a.id);
    if (p) {
      c.pending.delete(a.id);
      c.bySeq.set(a.seq, { id: a.id, seq: a.seq, from: 'agent', text: p.text, time: a.time, kind: 'text', agent: state.agent && state.agent.name });
    }
    if (a.visitorId === state.selected) renderChat();
  }

  function onError(e) {
    if (!e) return;
    if (e.id) {
      for (const [vid, c] of state.convs) {
        const p = c.pending.get(e.id);
        if (p) {
          p.failed = e.code || 'error';
          p.error = e.message;
          if (vid === state.selected) renderChat();
          return;
        }
      }
    }
    console.warn('server error frame', e);
    if (activeCall && activeCall.accepted && !activeCall.confirmed && (e.code === 'conflict' || e.code === 'not_found')) {
      // accept refused (answered elsewhere, or the call ended meanwhile)
      endCall('refused', false);
    }
  }

  function onRead(r) {
    if (!r || r.by !== 'visitor') return;
    const c = state.convs.get(r.visitorId);
    if (c) {
      c.visitorReadSeq = Math.max(c.visitorReadSeq, r.seq);
      if (r.visitorId === state.selected) renderChat();
    }
  }

  function markRead() {
    const id = state.selected;
    if (!id || document.visibilityState !== 'visible') return;
    const c = state.convs.get(id);
    const v = state.visitors.get(id);
    const seq = Math.max(c ? newestSeq(c) : 0, v && v.lastMessage ? v.lastMessage.seq : 0);
    if (!seq || !c || seq <= c.readSent) return;
    if (wsSend('read', { visitorId: id, seq })) c.readSent = seq;
  }
  document.addEventListener('visibilitychange', markRead);
  window.addEventListener('focus', markRead);

  // ---------------------------------------------------------------- rendering the conversation
  function renderChatHead() {
    const v = state.visitors.get(state.selected);
    if (!v) return;
    el.chatName.textContent = v.name || v.id;
    el.chatDot.className = `dot${v.online ? ' online' : ''}`;
    el.chatPresence.textContent = v.online ? '在线 online' : `离线 offline · ${fmtTime(v.lastSeen)}`;
    const bits = [v.id];
    if (v.email) bits.push(v.email);
    if (v.phone) bits.push(v.phone);
    for (const [k, val] of Object.entries(v.attrs || {})) bits.push(`${k}: ${val}`);
    // Each field in its own <bdi>: a direction override in one (U+202E …) cannot reorder the others.
    el.chatMeta.replaceChildren(...bits.flatMap((b, i) => (i ? [' · ', node('bdi', '', b)] : [node('bdi', '', b)])));
    if (teamUi) teamUi.renderHead();
  }

  function messageNode(m, c) {
    const div = node('div', 'msg');
    div.dataset.from = m.from;
    if (m.seq) div.dataset.seq = String(m.seq);
    div.dataset.id = m.id;
    div.dataset.time = String(m.time);
    if (m.agent) div.dataset.agent = m.agent;
    if (m.kind) div.dataset.kind = m.kind;
    let text = m.text;
    if (m.kind === 'call') text = `${m.call && m.call.video ? '🎥' : '📞'} ${m.text}`;
    div.append(node('div', 'bubble', text));
    const meta = node('div', 'meta');
    const parts = [];
    if (m.from === 'agent' && m.agent) parts.push(m.agent);
    parts.push(fmtTime(m.time));
    if (m.pending && !m.failed) parts.push('发送中 sending');
    if (m.from === 'agent' && m.seq && c.visitorReadSeq >= m.seq) parts.push('已读 read');
    meta.textContent = parts.join(' · ');
    if (m.failed) {
      div.classList.add('failed');
      const reason = m.failed === 'too_long' ? '太长 too long' : m.failed === 'rate_limited' ? '发送太快 too fast' : m.error || m.failed;
      meta.append(` · 发送失败 failed (${reason})`);
      const retry = node('button', 'btn ghost retry', '重发 Retry');
      retry.type = 'button';
      retry.dataset.retry = m.id;
      meta.append(retry);
    } else if (m.pending) {
      div.classList.add('pending');
    }
    div.append(meta);
    return div;
  }

  // Rebuilds the selected conversation. `toBottom` forces the view to the newest message;
  // `keepOffset` keeps what the agent sees in place after older messages were prepended.
  function renderChat(toBottom = false, keepOffset = false) {
    const id = state.selected;
    el.chatEmpty.hidden = !!id;
    el.chatPane.hidden = !id;
    if (!id) {
      el.messageList.replaceChildren();
      el.typing.hidden = true;
      return;
    }
    renderChatHead();
    const c = conv(id);
    const box = el.messages;
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
    const fromBottom = box.scrollHeight - box.scrollTop;
    const sorted = [...c.bySeq.values()].sort((a, b) => a.seq - b.seq);
    const pending = [...c.pending.values()].sort((a, b) => a.time - b.time);
    const nodes = [];
    let lastDay = '';
    for (const m of sorted.concat(pending)) {
      const day = new Date(m.time).toDateString();
      if (day !== lastDay) {
        nodes.push(node('p', 'day', new Date(m.time).toLocaleDateString('zh-CN', { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' })));
        lastDay = day;
      }
      nodes.push(messageNode(m, c));
    }
    el.messageList.replaceChildren(...nodes);
    shift.rendered(el.messageList);
    el.loadOlder.hidden = !(c.loaded && c.hasMore);
    el.historyStart.hidden = !(c.loaded && !c.hasMore && c.bySeq.size > 0);
    el.typing.hidden = !state.typingOf.has(id);
    if (keepOffset) box.scrollTop = box.scrollHeight - fromBottom;
    else if (toBottom || atBottom) box.scrollTop = box.scrollHeight;
  }

  el.messageList.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-retry]');
    if (!b || !state.selected) return;
    const c = conv(state.selected);
    const p = c.pending.get(b.dataset.retry);
    if (!p) return;
    c.pending.delete(p.id);
    sendText(p.text);
  });

  // ---------------------------------------------------------------- replying and typing
  function updateCounter() {
    const n = chars(el.reply.value.trim());
    el.replyCount.textContent = `${n} / ${MAX_CHARS}`;
    el.replyCount.classList.toggle('over', n > MAX_CHARS);
    el.replyError.hidden = true;
  }

  function sendText(text) {
    const id = state.selected;
    const c = conv(id);
    const m = { id: rid(), from: 'agent', text, time: Date.now(), kind: 'text', pending: true, agent: state.agent && state.agent.name };
    c.pending.set(m.id, m);
    renderChat(true);
    wsSend('message', { visitorId: id, id: m.id, text }); // resent on reconnect if the socket is down
  }

  function submitReply() {
    if (!state.selected) return;
    const text = el.reply.value.trim();
    if (!text) return;
    if (chars(text) > MAX_CHARS) {
      el.replyError.textContent = `消息超过 ${MAX_CHARS} 字 Message is longer than ${MAX_CHARS} characters`;
      el.replyError.hidden = false;
      return;
    }
    el.reply.value = '';
    shift.sent(state.selected);
    updateCounter();
    sendMyTyping(false);
    sendText(text);
  }

  el.replyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    submitReply();
  });
  el.reply.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submitReply();
    }
  });
  el.reply.addEventListener('input', () => {
    updateCounter();
    if (el.reply.value.trim()) sendMyTyping(true);
    else sendMyTyping(false);
  });
  el.reply.addEventListener('blur', () => sendMyTyping(false));

  function sendMyTyping(on) {
    const t = state.myTyping;
    clearTimeout(t.offTimer);
    if (on) {
      const now = Date.now();
      if (!t.on || t.visitorId !== state.selected || now - t.sentAt > 3000) {
        t.on = true;
        t.visitorId = state.selected;
        t.sentAt = now;
        wsSend('typing', { visitorId: t.visitorId, on: true });
      }
      t.offTimer = setTimeout(() => sendMyTyping(false), 4000);
    } else if (t.on) {
      t.on = false;
      wsSend('typing', { visitorId: t.visitorId, on: false });
    }
  }

  // Cheap per frame, whatever a server sends: a timer reset, and the DOM touched only on a change.
  function onTyping(d) {
    if (!d || typeof d.visitorId !== 'string') return;
    const was = state.typingOf.has(d.visitorId);
    clearTimeout(state.typingOf.get(d.visitorId));
    if (d.on) state.typingOf.set(d.visitorId, setTimeout(() => clearVisitorTyping(d.visitorId), 6000));
    else state.typingOf.delete(d.visitorId);
    if (was !== !!d.on) refreshTyping(d.visitorId);
  }
  function clearVisitorTyping(id) {
    if (!state.typingOf.has(id)) return;
    clearTimeout(state.typingOf.get(id));
    state.typingOf.delete(id);
    refreshTyping(id);
  }
  function refreshTyping(id) {
    el.typing.hidden = !(state.selected && state.typingOf.has(state.selected));
    const r = rows.get(id);
    const v = state.visitors.get(id);
    if (r && v) fillPreview(r, v);
  }

  // ---------------------------------------------------------------- ring tone (sound.js)
  const unlockAudio = () => shift.unlockAudio();
  const startRingTone = () => shift.ringTone(true);
  const stopRingTone = () => shift.ringTone(false);

  // ---------------------------------------------------------------- calls
  const rings = new Map(); // callId -> call frame, waiting for an answer
  let activeCall = null; // { callId, visitorId, name, video, state, peer, mediaCall, localStream, remoteStream, ... }
  let endedCall = null; // shown briefly after the end
  let endedTimer = 0;
  let tickTimer = 0;

  function setCallState(s) {
    hook.state = s;
    if (hook.lastCall && (activeCall || s === 'ended')) hook.lastCall.state = s;
  }

  function onRing(c) {
    if (!c || !c.callId) return;
    if (activeCall && activeCall.callId === c.callId) return;
    addRing(c);
    claimStrays(c);
    if (!activeCall) setCallState('ringing');
    renderCallCard();
  }

  // The visitor took its running call up from a new PeerJS registration (POST /2/callKefu rebind): only
  // offers from that peer are answered from now on, and one that came first is answered now.
  function onCallPeer(d) {
    const call = activeCall;
    if (!d || !call || d.callId !== call.callId || typeof d.peerId !== 'string') return;
    call.remotePeerId = d.peerId;
    const waiting = call.pendingRecover;
    call.pendingRecover = null;
    if (waiting) {
      clearTimeout(waiting.timer);
      if (waiting.mc.peer === d.peerId && stillOffered(waiting.mc)) onRecoverOffer(call, waiting.mc);
      else closeMc(waiting.mc);
    }
  }

  function onCallEnd(d) {
    if (!d) return;
    if (activeCall && activeCall.callId === d.callId) {
      endCall(d.reason || 'ended', false);
      return;
    }
    const ring = rings.get(d.callId);
    if (ring) {
      rings.delete(d.callId);
      release(d.callId);
      if (activeCall) renderCallCard();
      else showEnded({ ...ring, endReason: d.reason });
    }
  }

  // The calls still ringing according to the server's hello: stale rings go, missed ones come.
  function syncRings(calls) {
    const ringing = new Set(calls.filter((c) => c.state === 'ringing').map((c) => c.callId));
    for (const id of [...rings.keys()]) {
      if (!ringing.has(id)) {
        rings.delete(id);
        release(id);
      }
    }
    for (const c of calls) {
      if (c.state === 'ringing' && (!activeCall || activeCall.callId !== c.callId)) {
        addRing(c);
        claimStrays(c);
      }
    }
  }

  // Rings keep the order they came in (oldest first) and the time this console first saw them.
  function addRing(c) {
    const old = rings.get(c.callId);
    rings.set(c.callId, { ...c, at: old ? old.at : Date.now() });
    if (!old) shift.ring(c);
  }
  const firstRing = () => rings.values().next().value || null;

  const statusText = {
    idle: ['空闲', 'idle'],
    ringing: ['来电中', 'ringing'],
    connecting: ['连接中', 'connecting'],
    'in-call': ['通话中', 'in-call'],
    ended: ['通话已结束', 'ended'],
  };
  const endReasonText = {
    agent: '您已挂断 you hung up',
    hangup: '访客已挂断 the visitor hung up',
    remote: '通话结束 Call ended', // the visitor's side closed the media: a normal hang-up
    cancelled: '访客已取消 the visitor cancelled',
    timeout: '无人接听 no answer',
    visitor_left: '访客已离开 the visitor left',
    answered_elsewhere: '已在其他窗口接听 answered in another window',
    rejected: '已拒绝 rejected',
    failed: '连接失败 connection failed',
    missed: '未接通 missed',
    refused: '无法接听 could not answer',
    error: '通话出错 call error',
    offline: '访客离线 the visitor is offline',
  };

  function renderCallCard() {
    clearInterval(tickTimer);
    const ring = firstRing();
    const shown = activeCall || ring || endedCall;
    el.callCard.hidden = !shown;
    el.callCard.classList.toggle('ringing', !activeCall && !!ring);
    if (!activeCall && ring) startRingTone();
    else stopRingTone();
    shift.counts({ rings: rings.size });
    const s = activeCall ? activeCall.state : ring ? 'ringing' : endedCall ? 'ended' : hook.state;
    const [zh, en] = statusText[s] || statusText.idle;
    el.callStatus.replaceChildren(bilingual(zh, en));
    if (s === 'ended' && endedCall && endedCall.endReason) {
      el.callStatus.append(` · ${endReasonText[endedCall.endReason] || endedCall.endReason}`);
    }
    el.callStatus.dataset.state = s;
    if (!shown) return;
    el.callName.textContent = shown.name || shown.visitorId;
    el.callKind.textContent = shown.video ? '视频通话 Video' : '语音通话 Voice';
    const ringingOnly = !activeCall && !!ring;
    el.callAccept.hidden = !ringingOnly;
    el.callReject.hidden = !ringingOnly;
    el.callHangup.hidden = !activeCall;
    el.switchPrompt.hidden = !(activeCall && activeCall.switchReq);
    el.callMute.hidden = !(activeCall && activeCall.localStream && activeCall.localStream.getAudioTracks().length);
    renderRingQueue();
    el.callTimer.hidden = !(activeCall && activeCall.startedAt);
    if (activeCall && activeCall.startedAt) {
      const tick = () => {
        el.callTimer.textContent = fmtClock((Date.now() - activeCall.startedAt) / 1000);
      };
      tick();
      tickTimer = setInterval(() => activeCall && activeCall.startedAt && tick(), 1000);
    }
    if (!activeCall) {
      el.remoteVideo.hidden = true;
      el.remoteAudio.hidden = true;
      el.localVideo.hidden = true;
    }
  }

  // Every ring the card does not show itself, oldest first, each with its own accept and reject: a pile
  // of rings hides no caller. While a call runs they can only be rejected (or wait).
  function renderRingQueue() {
    const waiting = [...rings.values()].slice(activeCall ? 0 : 1);
    el.callQueue.hidden = waiting.length === 0;
    if (!waiting.length) return el.callQueue.replaceChildren();
    const head = node('p', 'call-queue-head', `另有 ${waiting.length} 个来电等待中 ${waiting.length} more waiting`);
    const items = waiting.map((r) => {
      const li = node('li', 'ring-item');
      li.dataset.callId = r.callId;
      const when = new Date(r.at);
      const who = node('span', 'ring-who');
      who.append(node('span', 'ring-kind', r.video ? '🎥' : '📞'), node('span', 'ring-name', r.name || r.visitorId),
        node('span', 'ring-time', `${pad(when.getHours())}:${pad(when.getMinutes())}:${pad(when.getSeconds())}`));
      const accept = node('button', 'btn accept small ring-accept');
      accept.type = 'button';
      accept.append(bilingual('接听', 'Accept'));
      accept.disabled = !!activeCall;
      accept.title = activeCall ? '请先结束当前通话 End the current call first' : '接听 Accept';
      const reject = node('button', 'btn reject small ring-reject');
      reject.type = 'button';
      reject.append(bilingual('拒绝', 'Reject'));
      reject.title = '拒绝 Reject';
      li.append(who, accept, reject);
      return li;
    });
    const ol = node('ol', 'ring-queue');
    ol.append(...items);
    el.callQueue.replaceChildren(head, ol);
    return undefined;
  }

  async function getLocalMedia(video) {
    const audio = { noiseSuppression: true, echoCancellation: true };
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return null;
    try {
      return await navigator.mediaDevices.getUserMedia({ audio, video });
    } catch (err) {
      console.warn('getUserMedia failed', err && err.name);
    }
    if (video) {
      try {
        return await navigator.mediaDevices.getUserMedia({ audio, video: false });
      } catch {
        /* fall through: receive only */
      }
    }
    return null; // answer receive-only
  }

  // TURN credentials for the standing peer (ice.js): it is replaced, between calls, before they run out.
  const ice = window.KefuIce.create({
    request: () => http('POST', '/api/agent/ice-servers'),
    fallback: () => (state.config && state.config.iceServers) || [],
    idle: () => !activeCall && rings.size === 0 && held.size === 0,
    renew: () => {
      dropStanding();
      startStanding();
    },
  });

  async function peerOptions() {
    if (!state.config) state.config = await http('GET', '/api/config');
    const p = state.config.peer;
    const iceServers = await ice.get(!!state.config.turnCredentials);
    return {
      host: p.host, port: p.port, path: p.path, key: p.key, secure: !!p.secure,
      config: { iceServers },
      debug: 1,
    };
  }

  // On the mounted PeerJS server the console registers under an id and token the backend issued to
  // this login (docs/PROTOCOL.md §6.2); a standalone stock server gets a random id, as stock peerjs does.
  async function peerCredentials() {
    if (!state.config.peer || state.config.peer.auth !== 'kefu') return null;
    const c = await http('POST', '/api/agent/peer-credentials', {});
    if (!c || typeof c.id !== 'string' || typeof c.token !== 'string') throw new Error('bad PeerJS credentials');
    return c;
  }

  const FATAL_PEER_ERRORS = new Set(['browser-incompatible', 'invalid-id', 'invalid-key', 'network', 'server-error',
    'socket-error', 'socket-closed', 'ssl-unavailable', 'unavailable-id']);
  // Errors that only report the lost signalling socket of a peer that was registered: 'disconnected'
  // follows, and reconnecting under the same id keeps offers the server queued for it meanwhile.
  const SIGNALLING_LOST = new Set(['network', 'socket-error', 'socket-closed']);

  // ---------------------------------------------------------------- standing peer
  // One PeerJS peer for the whole session, registered at login: accepting costs no registration round
  // trip, and a ringing visitor told this id can send its offer before the accept.
  const standing = { peer: null, id: null, starting: false, timer: 0, reconnectTimer: 0, backoff: 1000, waiters: new Set() };

  // Tells the server (and the test hook) the id under which this console takes calls now, or null.
  function advertise(id) {
    standing.id = id;
    hook.peerId = id;
    wsSend('peer', { peerId: id });
    if (id) for (const w of [...standing.waiters]) w();
  }

  async function startStanding() {
    clearTimeout(standing.timer);
    standing.timer = 0;
    if (standing.peer || standing.starting || !state.token) return;
    standing.starting = true;
    let p;
    try {
      if (!window.Peer) throw new Error('peerjs client not loaded');
      const options = await peerOptions();
      const cred = await peerCredentials();
      if (!state.token || standing.peer) return;
      // reconnect() comes back with the same id and token, which the server accepts while they are valid.
      p = cred ? new window.Peer(cred.id, { ...options, token: cred.token }) : new window.Peer(options);
    } catch (err) {
      console.warn('cannot create the peer', err && err.message);
      if (state.token) replaceStanding();
      return;
    } finally {
      standing.starting = false;
    }
    if (!p) return;
    standing.peer = p;
    const mine = () => standing.peer === p;
    let opened = false;
    let reconnecting = false;
    // Signalling lost while the accepted call still waits for its offer: it cannot arrive any more.
    const failConnecting = () => {
      if (activeCall && activeCall.peer === p && activeCall.state === 'connecting') endCall('failed', true);
    };

    p.on('open', (id) => {
      if (!mine()) return;
      opened = true;
      reconnecting = false;
      standing.backoff = 1000;
      advertise(id);
    });
    p.on('call', (mc) => onIncomingMedia(p, mc));
    p.on('disconnected', () => {
      failConnecting();
      if (!mine()) return;
      advertise(null);
      reconnecting = true;
      clearTimeout(standing.reconnectTimer);
      standing.reconnectTimer = setTimeout(() => {
        if (mine() && p.disconnected && !p.destroyed) p.reconnect();
      }, 1000);
    });
    p.on('error', (err) => {
      const type = err && err.type;
      console.warn('peer error', type, err && err.message);
      if (!FATAL_PEER_ERRORS.has(type)) return;
      failConnecting();
      if (!mine()) return;
      if (opened && !reconnecting && SIGNALLING_LOST.has(type)) return; // the first loss: try the same id again
      replaceStanding();
    });
    p.on('close', () => {
      if (mine()) replaceStanding();
    });
  }

  // Gives the standing peer up and schedules a new one: 1 s, doubling up to 30 s between attempts.
  function replaceStanding() {
    dropStanding();
    if (!state.token) return;
    const delay = standing.waiters.size ? Math.min(standing.backoff, 1000) : standing.backoff; // an accept waits
    standing.backoff = Math.min(30000, standing.backoff * 2);
    clearTimeout(standing.timer);
    standing.timer = setTimeout(startStanding, delay);
  }

  // Detaches the standing peer and destroys it, unless a running call still uses it: its media path
  // does not need signalling, so that peer lives until the call ends.
  function dropStanding() {
    const p = standing.peer;
    standing.peer = null;
    clearTimeout(standing.reconnectTimer);
    if (standing.id) advertise(null);
    if (!p) return;
    for (const [callId, mc] of [...held]) if (mc.provider === p || !mc.provider) release(callId);
    for (const s of [...strays]) {
      if (s.mc.provider === p || !s.mc.provider) {
        strays.splice(strays.indexOf(s), 1);
        clearTimeout(s.timer);
        closeMc(s.mc);
      }
    }
    if (activeCall && activeCall.peer === p) {
      if (activeCall.state === 'connecting') endCall('failed', true); // destroys p: no longer the standing peer
      else return;
    }
    try {
      p.destroy();
    } catch {
      /* already destroyed */
    }
  }

  // Logout or page hide: no peer, no pending attempt.
  function stopStanding() {
    ice.stop();
    clearTimeout(standing.timer);
    standing.timer = 0;
    standing.backoff = 1000;
    dropStanding();
    for (const id of [...held.keys()]) release(id);
    for (const s of strays.splice(0)) {
      clearTimeout(s.timer);
      closeMc(s.mc);
    }
  }

  // Resolves with the standing peer once it is registered; rejects after `ms`.
  function standingOpen(ms) {
    if (standing.peer && standing.peer.open && standing.id) return Promise.resolve(standing.peer);
    if (!standing.peer && !standing.starting) startStanding(); // someone waits: skip the backoff
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(t);
        standing.waiters.delete(done);
        resolve(standing.peer);
      };
      const t = setTimeout(() => {
        standing.waiters.delete(done);
        reject(new Error('the peer did not open'));
      }, ms);
      standing.waiters.add(done);
    });
  }

  // ---------------------------------------------------------------- incoming offers
  // An offer is only ever answered for the call the agent accepted. Before that it is held unanswered:
  // stock peerjs keeps the caller's candidates until answer(), so nothing reaches the agent's media.
  const held = new Map(); // callId -> MediaConnection offered while that call rings
  const strays = []; // [{ mc, timer }] offers that overtook their ring frame
  const STRAY_MS = 5000;
  const MAX_STRAYS = 8;

  function closeMc(mc) {
    try {
      mc.close();
    } catch {
      /* already closed */
    }
  }

  // An offer belongs to a call only when it comes from the peer the server bound to that call's visitor
  // (the ring's peerId); one that names a call in its metadata must name this one.
  function offerFor(mc, callId, visitorPeerId) {
    if (!visitorPeerId || mc.peer !== visitorPeerId) return false;
    const named = mc.metadata && typeof mc.metadata.callId === 'string' ? mc.metadata.callId : null;
    return !named || named === callId;
  }

  // Still answerable: on the current standing peer and not closed (a visitor's LEAVE closes an
  // unanswered connection without a 'close' event).
  function answerable(mc) {
    const p = mc.provider;
    return !!p && p === standing.peer && !p.destroyed && p.getConnection(mc.peer, mc.connectionId) === mc;
  }

  function hold(callId, mc) {
    const old = held.get(callId);
    if (old && old !== mc) closeMc(old); // the visitor sent a fresh offer
    held.set(callId, mc);
    mc.on('close', () => {
      if (held.get(callId) === mc) held.delete(callId);
    });
  }

  function release(callId) {
    const mc = held.get(callId);
    if (!mc) return;
    held.delete(callId);
    closeMc(mc);
  }

  function takeHeld(callId) {
    const mc = held.get(callId);
    if (!mc) return null;
    held.delete(callId);
    if (answerable(mc)) return mc;
    closeMc(mc);
    return null;
  }

  function stray(mc) {
    if (strays.length >= MAX_STRAYS) {
      const oldest = strays.shift();
      clearTimeout(oldest.timer);
      closeMc(oldest.mc);
    }
    const s = { mc };
    s.timer = setTimeout(() => {
      const i = strays.indexOf(s);
      if (i !== -1) strays.splice(i, 1);
      closeMc(mc);
    }, STRAY_MS);
    strays.push(s);
  }

  function claimStrays(ring) {
    for (const s of [...strays]) {
      if (!offerFor(s.mc, ring.callId, ring.peerId)) continue;
      strays.splice(strays.indexOf(s), 1);
      clearTimeout(s.timer);
      if (answerable(s.mc)) hold(ring.callId, s.mc);
      else closeMc(s.mc);
    }
  }

  function onIncomingMedia(p, mc) {
    const call = activeCall;
    const meta = mc.metadata || {};
    if (call && meta.recover === true && call.peer === p && call.state === 'in-call' && meta.callId === call.callId) {
      if (mc.peer === call.remotePeerId) return onRecoverOffer(call, mc);
      // From a new registration of the visitor: answered only once the server names it (call_peer).
      if (call.pendingRecover) {
        clearTimeout(call.pendingRecover.timer);
        closeMc(call.pendingRecover.mc);
      }
      const w = { mc };
      w.timer = setTimeout(() => {
        if (call.pendingRecover !== w) return;
        call.pendingRecover = null;
        closeMc(mc);
      }, RECOVER_BIND_MS);
      call.pendingRecover = w;
      return undefined;
    }
    // A second offer for a call in progress asks to switch it between voice and video. It may come to
    // a peer that was replaced meanwhile, as long as the call still runs on it.
    if (call && call.peer === p && call.state === 'in-call' && call.mediaCall && offerFor(mc, call.callId, call.remotePeerId)) {
      return onSwitchOffer(call, mc);
    }
    if (p !== standing.peer) return closeMc(mc);
    if (call && offerFor(mc, call.callId, call.remotePeerId)) {
      if (call.state !== 'connecting' || call.mediaCall) return closeMc(mc); // already answered
      if (call.accepted && call.peer === p) return answerMedia(call, mc);
      // Accepted, but the accept frame waits for the peer to open: answered right after it.
      if (call.heldMc && call.heldMc !== mc) closeMc(call.heldMc);
      call.heldMc = mc;
      return undefined;
    }
    for (const ring of rings.values()) {
      if (offerFor(mc, ring.callId, ring.peerId)) return hold(ring.callId, mc);
    }
    return stray(mc);
  }

  // ---------------------------------------------------------------- accept, answer, end
  async function acceptCall(callId) {
    const ring = callId ? rings.get(callId) : firstRing();
    if (!ring || activeCall) return;
    rings.delete(ring.callId);
    clearTimeout(endedTimer);
    endedCall = null;
    const call = {
      callId: ring.callId, visitorId: ring.visitorId, name: ring.name, video: !!ring.video, remotePeerId: ring.peerId || null,
      state: 'connecting', peer: null, peerId: null, mediaCall: null, heldMc: takeHeld(ring.callId), early: false,
      accepted: false, confirmed: false, confirmWs: null, confirmAt: 0,
      localStream: null, remoteStream: null, media: null, startedAt: 0, endedAt: 0, endReason: null, muted: false,
      switchReq: null, switching: null, replaced: null, // voice <-> video switch, see onSwitchOffer
      lost: null, pendingRecover: null, // recovery, see onRecoverOffer
    };
    activeCall = call;
    hook.lastCall = call;
    // The microphone first: it is what the answer waits for. The conversation view follows once the
    // answer is out, so its rendering does not compete with setting up the call.
    const pressed = takePressMedia(call.video);
    call.micOnPress = !!pressed;
    call.media = (pressed || getLocalMedia(call.video)).then((s) => {
      if (activeCall !== call) {
        if (s) s.getTracks().forEach((t) => t.stop());
        return null;
      }
      call.localStream = s;
      showLocalPreview(call);
      renderCallCard();
      return s;
    });
    showConversationSoon(call, 1000); // or sooner, once the answer is out (answerMedia)
    setCallState('connecting');
    renderCallCard();

    let peer;
    try {
      peer = await standingOpen(10000);
    } catch (err) {
      console.error('no peer to answer with', err && err.message);
      if (activeCall === call) endCall('error', true);
      return;
    }
    if (activeCall !== call) return;
    call.peer = peer;
    call.peerId = peer.id;
    if (!wsSend('accept', { visitorId: call.visitorId, peerId: peer.id, callId: call.callId })) {
      endCall('error', false);
      return;
    }
    call.accepted = true;
    // The server answers frames in order: a pong after this ping without an error before it means the
    // accept was taken. A refusal must end the call even when an early offer already made it in-call.
    if (wsSend('ping', {})) {
      state.pingsSent++;
      call.confirmWs = state.ws;
      call.confirmAt = state.pingsSent;
    }
    // The visitor's offer should arrive within seconds of the accept.
    call.connectTimer = setTimeout(() => activeCall === call && call.state === 'connecting' && endCall('failed', true), 30000);
    const early = call.heldMc;
    call.heldMc = null;
    if (early && answerable(early)) {
      call.early = true;
      answerMedia(call, early);
    } else if (early) {
      closeMc(early); // closed meanwhile: the visitor sends a new offer after the accept
    }
  }

  function onPong() {
    state.pongsSeen++;
    if (state.pongsSeen >= state.pingWatch) clearTimeout(state.pongTimer);
    const call = activeCall;
    if (call && call.accepted && !call.confirmed && call.confirmWs === state.ws && state.pongsSeen >= call.confirmAt) {
      call.confirmed = true;
    }
  }

  // The conversation view (a history fetch and a full render) waits until the answer has been made, so it
  // does not compete with setting up the call; the call card shows the call meanwhile.
  function showConversationSoon(call, ms) {
    clearTimeout(call.selectTimer);
    call.selectTimer = setTimeout(() => {
      if (activeCall === call && state.selected !== call.visitorId) select(call.visitorId);
    }, ms);
  }

  async function answerMedia(call, mc) {
    call.mediaCall = mc;
    call.remotePeerId = mc.peer;
    call.resumes = !!(mc.metadata && mc.metadata.resumes === true);
    clearTimeout(call.connectTimer);
    const local = await call.media;
    if (activeCall !== call) return; // endCall closed the connection
    mc.answer(local || undefined);
    showConversationSoon(call, 300);
    call.state = 'in-call';
    call.startedAt = Date.now();
    setCallState('in-call');
    renderCallCard();
    mc.on('stream', (remote) => call.mediaCall === mc && attachRemote(call, remote));
    mc.on('close', () => onMediaGone(call, mc, 'remote'));
    mc.on('error', (err) => {
      console.warn('media connection error', err);
      onMediaGone(call, mc, 'failed');
    });
  }

  // Plays the visitor's stream: in the video element when it carries video, else in the audio element.
  // 'stream' comes once per track, so a later call may move it to the video element.
  function attachRemote(call, remote) {
    if (activeCall !== call || !remote) return;
    call.remoteStream = remote;
    const video = remote.getVideoTracks().length > 0;
    const [show, hide] = video ? [el.remoteVideo, el.remoteAudio] : [el.remoteAudio, el.remoteVideo];
    if (hide.srcObject) {
      hide.pause();
      hide.srcObject = null;
    }
    hide.hidden = true;
    if (show.srcObject !== remote) show.srcObject = remote;
    show.hidden = false;
    show.play().catch(() => {});
  }

  // The agent's own camera preview, shown while the call is a video call with a camera.
  function showLocalPreview(call) {
    const s = call.localStream;
    if (call.video && s && s.getVideoTracks().length) {
      if (el.localVideo.srcObject !== s) el.localVideo.srcObject = s;
      el.localVideo.hidden = false;
      el.localVideo.play().catch(() => {});
    } else {
      el.localVideo.pause();
      el.localVideo.srcObject = null;
      el.localVideo.hidden = true;
    }
  }

  // The call's media connection (current or replaced by a switch) closed or failed.
  function onMediaGone(call, mc, reason) {
    if (activeCall !== call) return;
    const old = call.replaced;
    if (old && old.mc === mc) {
      // The connection a switch replaced: the visitor drops it once the new one is up.
      clearTimeout(old.timer);
      call.replaced = null;
      return;
    }
    const sw = call.switching;
    if (sw && sw.mc === mc) return abandonSwitch(call, sw);
    if (call.mediaCall !== mc) return undefined;
    if (call.lost) return undefined; // already waiting for the visitor to come back
    if (sw && sw.answered) {
      // The visitor drops the old connection only once the new one is connected on its side.
      sw.oldGone = true;
      return maybeCommitSwitch(call, sw);
    }
    // The visitor gave up a switch we already moved to (its new connection never came up on its side)
    // and still talks over the connection it had: go back to that one.
    if (old && old.mc.open) return revertSwitch(call);
    // A stock-peerjs visitor hangs up by closing the connection and never re-dials: end at once.
    if (!call.resumes) return endCall(reason, true);
    return loseMedia(call, reason); // the visitor re-dials (recovery) or the server ends the call
  }

  function rejectCall(callId) {
    const ring = callId ? rings.get(callId) : firstRing();
    if (!ring) return;
    rings.delete(ring.callId);
    release(ring.callId);
    wsSend('reject', { visitorId: ring.visitorId, callId: ring.callId });
    if (activeCall) return renderCallCard(); // a queued ring turned down during a call: the call stays
    hook.lastCall = { callId: ring.callId, visitorId: ring.visitorId, video: !!ring.video, state: 'ended', endReason: 'rejected', peerId: null, remoteStream: null };
    showEnded({ ...ring, endReason: 'rejected' });
  }

  // Ends the running call: media closed, tracks stopped, UI back within a moment. The standing peer
  // stays for the next call; only a peer already replaced meanwhile is destroyed.
  function endCall(reason, notifyServer) {
    const call = activeCall;
    if (!call) return;
    activeCall = null;
    clearTimeout(call.connectTimer);
    call.state = 'ended';
    call.endReason = reason;
    call.endedAt = Date.now();
    if (notifyServer) {
      // When the media closed on the visitor's side, its own hang-up report (with its duration) usually
      // reaches the server first; ours follows as a safety net and is ignored for an ended call.
      const report = () => wsSend('hangup', { visitorId: call.visitorId, callId: call.callId });
      if (reason === 'remote') setTimeout(report, 1500);
      else report();
    }
    // A switch in progress has a second connection (and maybe a camera) of its own: both go.
    if (call.lost) clearTimeout(call.lost.timer);
    if (call.pendingRecover) {
      clearTimeout(call.pendingRecover.timer);
      closeMc(call.pendingRecover.mc);
    }
    call.lost = null;
    call.pendingRecover = null;
    hook.reconnecting = false;
    const { switchReq: req, switching: sw, replaced: old } = call;
    clearSwitchPrompt(call);
    for (const x of [req, sw, old]) if (x) clearTimeout(x.timer);
    call.switching = null;
    call.replaced = null;
    for (const mc of [call.mediaCall, call.heldMc, req && req.mc, sw && sw.mc, old && old.mc]) if (mc) closeMc(mc);
    call.heldMc = null;
    for (const s of [call.localStream, call.remoteStream, sw && sw.local, old && old.local]) if (s) s.getTracks().forEach((t) => t.stop());
    if (call.peer && call.peer !== standing.peer) {
      try {
        call.peer.destroy();
      } catch {
        /* already destroyed */
      }
    }
    for (const m of [el.remoteVideo, el.remoteAudio, el.localVideo]) {
      m.pause();
      m.srcObject = null;
      m.hidden = true;
    }
    setCallState('ended');
    showEnded(call);
  }

  // ---------------------------------------------------------------- voice <-> video switch
  // Stock peerjs cannot renegotiate, so the visitor switches a running call by offering a second
  // connection for the same call id (metadata.video = the new kind). It keeps the first one until the
  // new one is connected, then closes it without a LEAVE; the console's old connection just closes.
  const SWITCH_ASK_MS = 30000; // the visitor gives up on its own after as long
  const SWITCH_CONNECT_MS = 30000;
  const REPLACED_MS = 10000; // an old connection the visitor did not close by then is closed here

  // Still offered: not closed meanwhile (the visitor's LEAVE closes an unanswered offer silently).
  function stillOffered(mc) {
    const p = mc.provider;
    return !!p && !p.destroyed && p.getConnection(mc.peer, mc.connectionId) === mc;
  }

  // Tracks of `stream` that `keep` does not carry any more are stopped (the camera light goes off).
  function stopUnshared(stream, keep) {
    if (!stream) return;
    const kept = new Set(keep ? keep.getTracks() : []);
    for (const t of stream.getTracks()) if (!kept.has(t)) t.stop();
  }

  // ---------------------------------------------------------------- recovery (PROTOCOL §6 "Recovery")
  // The visitor's path was lost (network change, outage, another page of the site): it offers a new
  // connection for the same call with metadata.recover, of the kind the call has. It takes over like a
  // switch, without asking the agent. Meanwhile a lost connection does not end the call at once.
  const RECOVER_MS = 30000; // the visitor gives up after as long (CallConfig::recoverTimeoutMs)
  const RECOVER_CLOSED_MS = 10000; // a connection the visitor closed: it is back within the server's grace, or gone
  const RECOVER_BIND_MS = 5000; // an offer from a new peer waits this long for the server's call_peer

  function onRecoverOffer(call, mc) {
    const meta = mc.metadata || {};
    if (meta.video !== !!call.video) return closeMc(mc); // same kinds only: a change of kind is a switch
    dropSwitch(call); // a newer attempt replaces one not connected yet
    answerSwitch(call, mc, !!call.video, true);
    return undefined;
  }

  function loseMedia(call, reason) {
    if (call.lost) return;
    const lost = { reason };
    lost.timer = setTimeout(() => {
      if (activeCall === call && call.lost === lost) endCall(reason, true);
    }, reason === 'remote' ? RECOVER_CLOSED_MS : RECOVER_MS);
    call.lost = lost;
    hook.reconnecting = true;
    renderCallCard();
  }

  function recovered(call) {
    if (!call.lost) return;
    clearTimeout(call.lost.timer);
    call.lost = null;
    hook.reconnecting = false;
  }

  function onSwitchOffer(call, mc) {
    const meta = mc.metadata || {};
    // Only the visitor's own peer, naming this call, with the kind it wants.
    if (meta.callId !== call.callId || typeof meta.video !== 'boolean' || mc.peer !== call.remotePeerId) return closeMc(mc);
    // One request at a time: a newer one replaces one still unanswered or not connected yet.
    dropSwitch(call);
    if (!meta.video) return answerSwitch(call, mc, false); // back to voice needs no consent
    // The agent's camera turns on only with the agent's consent.
    const req = { mc, video: true };
    call.switchReq = req;
    hook.switchRequest = { video: true };
    const gone = () => {
      if (call.switchReq !== req) return;
      clearSwitchPrompt(call);
      closeMc(mc);
      renderCallCard();
    };
    mc.on('close', gone);
    req.timer = setTimeout(gone, SWITCH_ASK_MS);
    // An unanswered connection closes without 'close' (LEAVE): look for that while asking.
    req.poll = setInterval(() => stillOffered(mc) || gone(), 1000);
    renderCallCard();
    return undefined;
  }

  function clearSwitchPrompt(call) {
    const req = call.switchReq;
    if (!req) return null;
    call.switchReq = null;
    hook.switchRequest = null;
    clearTimeout(req.timer);
    clearInterval(req.poll);
    return req;
  }

  // Drops the prompt and any switch not finished yet; the call stays on its current connection.
  function dropSwitch(call) {
    const req = clearSwitchPrompt(call);
    if (req) closeMc(req.mc);
    if (call.switching) abandonSwitch(call, call.switching);
  }

  function acceptSwitch() {
    const call = activeCall;
    const req = call && clearSwitchPrompt(call);
    if (!req) return;
    renderCallCard();
    if (stillOffered(req.mc)) answerSwitch(call, req.mc, req.video);
    else closeMc(req.mc);
  }

  function declineSwitch() {
    const call = activeCall;
    const req = call && clearSwitchPrompt(call);
    if (!req) return;
    closeMc(req.mc);
    wsSend('switch_decline', { visitorId: call.visitorId, callId: call.callId });
    renderCallCard();
  }

  // Local media for the new connection. The microphone track in use is reused (it keeps its mute
  // state and its noise suppression); going to video adds a camera, or answers with the microphone only.
  async function switchMedia(call, video) {
    const mic = call.localStream ? call.localStream.getAudioTracks().filter((t) => t.readyState === 'live') : [];
    if (!mic.length) {
      const s = await getLocalMedia(video);
      if (s) s.getAudioTracks().forEach((t) => { t.enabled = !call.muted; });
      return s;
    }
    if (!video) return new MediaStream(mic);
    let cam = null;
    try {
      if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) cam = await navigator.mediaDevices.getUserMedia({ video: true });
    } catch (err) {
      console.warn('no camera for the switch', err && err.name);
    }
    return new MediaStream(cam ? [...mic, ...cam.getVideoTracks()] : mic);
  }

  async function answerSwitch(call, mc, video, recover = false) {
    const sw = { mc, video, local: null, answered: false, remote: null, connected: false, oldGone: false, timer: 0 };
    call.switching = sw;
    mc.on('stream', (remote) => {
      if (call.switching === sw) {
        sw.remote = remote;
        maybeCommitSwitch(call, sw);
      } else if (call.mediaCall === mc) {
        attachRemote(call, remote);
      }
    });
    mc.on('iceStateChanged', (ice) => {
      if (ice !== 'connected' && ice !== 'completed') return;
      sw.connected = true;
      if (call.switching === sw) maybeCommitSwitch(call, sw);
    });
    mc.on('close', () => onMediaGone(call, mc, 'remote'));
    mc.on('error', (err) => {
      console.warn('switch connection error', err && err.type);
      onMediaGone(call, mc, 'failed');
    });
    const live = call.localStream ? call.localStream.getTracks().filter((t) => t.readyState === 'live') : [];
    // A recovery carries on with the tracks the call has (the camera stays as it is).
    const local = recover && live.length ? new MediaStream(live) : await switchMedia(call, video);
    if (activeCall !== call || call.switching !== sw) {
      stopUnshared(local, activeCall === call ? call.localStream : null);
      return;
    }
    sw.local = local;
    if (!stillOffered(mc)) {
      abandonSwitch(call, sw);
      return;
    }
    mc.answer(local || undefined);
    sw.answered = true;
    // The visitor gives up as well when the new connection does not come up.
    sw.timer = setTimeout(() => call.switching === sw && abandonSwitch(call, sw), SWITCH_CONNECT_MS);
  }

  // The new connection takes over once its stream is here and ICE connected (or the visitor already
  // dropped the old one, which it does only after that). Moving over on the stream alone would hang up
  // a call whose visitor gave the switch up before the new path came up.
  function maybeCommitSwitch(call, sw) {
    if (activeCall !== call || call.switching !== sw || !sw.remote) return;
    const pc = sw.mc.peerConnection;
    const ice = pc && pc.iceConnectionState;
    if (sw.connected || sw.oldGone || ice === 'connected' || ice === 'completed') commitSwitch(call, sw);
  }

  function commitSwitch(call, sw) {
    clearTimeout(sw.timer);
    call.switching = null;
    recovered(call);
    if (call.replaced) {
      // A connection from an earlier switch still lingers: it is of no use now.
      clearTimeout(call.replaced.timer);
      closeMc(call.replaced.mc);
      call.replaced = null;
    }
    const old = { mc: call.mediaCall, local: call.localStream, remote: call.remoteStream, video: call.video, timer: 0 };
    if (!sw.oldGone && old.mc.open) {
      call.replaced = old;
      old.timer = setTimeout(() => {
        if (call.replaced !== old) return;
        call.replaced = null;
        closeMc(old.mc);
      }, REPLACED_MS);
    }
    call.mediaCall = sw.mc;
    call.localStream = sw.local;
    call.video = sw.video;
    stopUnshared(old.local, sw.local);
    attachRemote(call, sw.remote);
    showLocalPreview(call);
    renderCallCard();
  }

  // The new connection failed or was given up before it took over: the call goes on as it was,
  // unless the visitor already dropped the old one.
  function abandonSwitch(call, sw) {
    if (call.switching !== sw) return;
    call.switching = null;
    clearTimeout(sw.timer);
    closeMc(sw.mc);
    stopUnshared(sw.local, call.localStream);
    if (sw.oldGone && activeCall === call && !call.lost) endCall('failed', true);
  }

  // Back to the connection a switch replaced (see onMediaGone).
  function revertSwitch(call) {
    const old = call.replaced;
    const failed = call.mediaCall;
    call.replaced = null;
    clearTimeout(old.timer);
    stopUnshared(call.localStream, old.local);
    call.mediaCall = old.mc;
    call.localStream = old.local;
    call.video = old.video;
    closeMc(failed); // after an 'error' it may still be open; its 'close' no longer concerns the call
    if (old.remote) attachRemote(call, old.remote);
    showLocalPreview(call);
    renderCallCard();
  }

  function showEnded(call) {
    endedCall = { name: call.name, visitorId: call.visitorId, video: call.video, endReason: call.endReason };
    setCallState(rings.size && !activeCall ? 'ringing' : 'ended');
    renderCallCard();
    clearTimeout(endedTimer);
    endedTimer = setTimeout(() => {
      endedCall = null;
      if (rings.size && !activeCall) setCallState('ringing');
      renderCallCard();
    }, 4000);
  }

  // Pressing 接受 is the decision: the microphone starts on the press, so the click finds it (nearly)
  // ready; a press that does not become a click releases it again.
  let pressMedia = null; // {video, promise, timer}
  function dropPressMedia() {
    if (!pressMedia) return;
    clearTimeout(pressMedia.timer);
    pressMedia.promise.then((s) => s && s.getTracks().forEach((t) => t.stop()));
    pressMedia = null;
  }
  function takePressMedia(video) {
    const m = pressMedia;
    if (!m || m.video !== video) {
      dropPressMedia();
      return null;
    }
    clearTimeout(m.timer);
    pressMedia = null;
    return m.promise;
  }
  function pressAccept(ring) {
    if (!ring || activeCall || pressMedia) return;
    pressMedia = { video: !!ring.video, promise: getLocalMedia(!!ring.video), timer: setTimeout(dropPressMedia, 3000) };
  }
  el.callAccept.addEventListener('pointerdown', () => pressAccept(firstRing()));
  el.callAccept.addEventListener('click', () => {
    unlockAudio();
    acceptCall();
  });
  el.callReject.addEventListener('click', () => rejectCall());
  // The queue's own buttons act on their ring.
  const queuedRing = (e, cls) => {
    const b = e.target.closest(`button.${cls}`);
    const li = b && b.closest('.ring-item');
    return li ? rings.get(li.dataset.callId) || null : null;
  };
  el.callQueue.addEventListener('pointerdown', (e) => pressAccept(queuedRing(e, 'ring-accept')));
  el.callQueue.addEventListener('click', (e) => {
    const accept = queuedRing(e, 'ring-accept');
    if (accept) {
      unlockAudio();
      acceptCall(accept.callId);
      return;
    }
    const reject = queuedRing(e, 'ring-reject');
    if (reject) rejectCall(reject.callId);
  });
  el.callHangup.addEventListener('click', () => endCall('agent', true));
  el.switchAccept.addEventListener('click', acceptSwitch);
  el.switchDecline.addEventListener('click', declineSwitch);
  el.callMute.addEventListener('click', () => {
    const call = activeCall;
    if (!call || !call.localStream) return;
    call.muted = !call.muted;
    call.localStream.getAudioTracks().forEach((t) => {
      t.enabled = !call.muted;
    });
    el.callMute.replaceChildren(call.muted ? bilingual('取消静音', 'Unmute') : bilingual('静音', 'Mute'));
  });
  window.addEventListener('beforeunload', () => {
    if (activeCall) endCall('agent', true);
  });
  window.addEventListener('pagehide', () => {
    if (activeCall) endCall('agent', true);
    stopStanding();
  });
  // Back from the back/forward cache: register again.
  window.addEventListener('pageshow', (e) => {
    if (e.persisted && state.agent) startStanding();
  });

  boot();
})();
