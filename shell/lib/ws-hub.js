'use strict';
// The chat sockets /ws/visitor and /ws/agent: first-frame auth, frame dispatch, presence, keep-alive.
const WebSocket = require('ws');
const { toApiError } = require('./errors');
const { sendFrame } = require('./sockets');
const { createTypingGate } = require('./typing-gate');
const { clientAddress } = require('./client-address');
const { hashToken } = require('./auth');
const { wellFormed } = require('./validate');
const { createPageViews } = require('./page-views');

const MAX_FRAME = 16 * 1024;
const CLOSE_AUTH = 4001;
const CLOSE_TOO_MANY = 4029; // the visitor or agent already has its maximum of open sockets

function createHub({ db, auth, sockets, conversation, calls, team, config, log }) {
  const wss = new WebSocket.Server({ noServer: true, maxPayload: MAX_FRAME, clientTracking: true });
  const pages = createPageViews({ db, sockets });

  // The console's standing PeerJS id when exactly one is listening: a visitor can then send its offer
  // together with the ring (the console holds it until the agent accepts; docs/PROTOCOL.md §6).
  const standingPeer = () => {
    const ids = sockets.agentPeerIds();
    return ids.length === 1 ? ids[0] : null;
  };

  // `online`: someone of the visitor's group is online and not away (team.js).
  // `unavailable` *(added)*: why not online, 'hours' or 'nobody' (null when online).
  const statusOf = (visitorId) => {
    const why = team.unavailable(team.visitorGroup(visitorId));
    return { online: why === null, unavailable: why, peer: standingPeer() };
  };
  function kefuStatus(visitorId) {
    return { id: config.kefuId, name: config.agentName, ...statusOf(visitorId), group: team.visitorGroup(visitorId) };
  }

  // ---- presence fan-out ----
  // A failing listener must not take the process down from inside a socket's close event.
  const on = (event, fn) => sockets.events.on(event, (...args) => {
    try {
      fn(...args);
    } catch (e) {
      log.error(`${event}:`, e && e.stack ? e.stack : e);
    }
  });
  on('visitor-online', (id) => {
    calls.onVisitorOnline(id);
    sockets.toAgents('visitor', conversation.summary(id));
  });
  on('visitor-offline', (id) => {
    db.touchVisitor(id, Date.now());
    calls.onVisitorOffline(id);
    const summary = conversation.summary(id);
    if (summary) sockets.toAgents('visitor', summary); // none after forget-me
  });
  const lastStatus = new Map(); // visitorId -> the status it was last sent
  const sendStatus = (id) => {
    const status = statusOf(id);
    const text = JSON.stringify(status);
    if (lastStatus.get(id) === text) return;
    lastStatus.set(id, text);
    sockets.toVisitor(id, 'status', status);
  };
  // Agent sockets come and go, and consoles replace their peers: tell visitors only what changed.
  let closing = false; // sockets closing at shutdown must not reach the database
  const statusChanged = () => {
    if (closing) return;
    const online = new Set(sockets.onlineVisitorIds());
    for (const id of lastStatus.keys()) if (!online.has(id)) lastStatus.delete(id);
    for (const id of online) sendStatus(id);
  };
  on('availability', statusChanged);
  on('agents-online', () => {
    calls.onAgentsOnline();
    statusChanged();
  });
  on('agents-offline', () => {
    calls.onAgentsOffline();
    statusChanged();
  });
  on('agent-offline', (agentId) => {
    calls.onAgentOffline(agentId);
    team.onAgentOffline(agentId);
  });
  // node shell/admin.js changed accounts: sockets of removed accounts or revoked tokens end, and the
  // others learn their new name and role.
  on('accounts-changed', () => {
    for (const ws of wss.clients) {
      if (!ws.agent || ws.revoked) continue;
      const agent = auth.agentForTokenHash(ws.tokenHash, { touch: false });
      if (!agent) {
        // As auth.js would have announced it in this process: the PeerJS gate ends its peers too.
        sockets.events.emit('revoke', { agentId: ws.agent.id, tokenHash: ws.tokenHash });
        revokeSocket(ws);
        continue;
      }
      ws.agent.name = agent.name;
      ws.agent.role = agent.role;
    }
  });

  // Typing indicators are coalesced per conversation, both ways (typing-gate.js).
  const typingLimits = { intervalMs: config.rate.typingIntervalMs, quietMs: config.rate.typingQuietMs };
  const visitorTyping = createTypingGate({ ...typingLimits, emit: (visitorId, on) => sockets.toAgents('typing', { visitorId, on }) });
  const agentTyping = createTypingGate({ ...typingLimits, emit: (visitorId, on) => sockets.toVisitor(visitorId, 'typing', { on }) });

  // ---- caps and revocation ----
  const perAddress = new Map(); // client address -> open chat sockets, authenticated or not
  function releaseAddress(address) {
    const n = (perAddress.get(address) || 0) - 1;
    if (n > 0) perAddress.set(address, n);
    else perAddress.delete(address);
  }
  function tooMany(ws) {
    ws.close(CLOSE_TOO_MANY, 'too many sockets');
    return 'closed';
  }
  // The socket stops speaking at once (no frame in or out), then closes with 4001 like a bad token.
  function revokeSocket(ws) {
    if (ws.revoked) return;
    ws.revoked = true;
    ws.close(CLOSE_AUTH, 'revoked');
    ws.killTimer = setTimeout(() => ws.terminate(), 2000);
    ws.killTimer.unref();
  }
  on('revoke', ({ agentId, tokenHash, visitorId } = {}) => {
    for (const ws of wss.clients) {
      if (visitorId && ws.visitor && ws.visitor.id === visitorId) revokeSocket(ws);
      else if (tokenHash && ws.agent && ws.tokenHash === tokenHash && ws.agent.id === agentId) revokeSocket(ws);
    }
  });

  // ---- frame handlers after auth ----
  const visitorHandlers = {
    message(ws, data) {
      sendFrame(ws, 'ack', conversation.postVisitorMessage(ws.visitor, data, ws));
    },
    typing(ws, data) {
      const on = !!data.on;
      ws.typing = on;
      visitorTyping.set(ws.visitor.id, on);
    },
    read(ws, data) {
      conversation.markVisitorRead(ws.visitor, data.seq, ws);
    },
    page(ws, data) {
      pages.report(ws, data);
    },
    ping(ws) {
      sendFrame(ws, 'pong', {});
    },
  };

  const agentHandlers = {
    message(ws, data) {
      sendFrame(ws, 'ack', conversation.postAgentMessage(ws.agent, data, ws));
    },
    typing(ws, data) {
      if (typeof data.visitorId !== 'string') return;
      const on = !!data.on;
      if (on && !sockets.isVisitorOnline(data.visitorId)) return;
      if (on) ws.typingFor = data.visitorId;
      else if (ws.typingFor === data.visitorId) ws.typingFor = null;
      agentTyping.set(data.visitorId, on);
    },
    read(ws, data) {
      conversation.markAgentRead(ws.agent, data.visitorId, data.seq, ws);
    },
    accept(ws, data) {
      calls.accept(ws.agent, data, ws);
    },
    reject(ws, data) {
      calls.reject(ws.agent, data, ws);
    },
    hangup(ws, data) {
      calls.hangup(ws.agent, data, ws);
    },
    switch_decline(ws, data) {
      calls.switchDecline(ws.agent, data, ws);
    },
    callback(ws, data) {
      calls.callBack(ws.agent, data, ws);
    },
    peer(ws, data) {
      calls.setAgentPeer(ws, data);
      statusChanged();
    },
    presence(ws, data) {
      sendFrame(ws, 'presence', team.setPresence(ws.agent, data));
    },
    ping(ws) {
      sendFrame(ws, 'pong', {});
    },
  };

  function parseFrame(raw, isBinary) {
    if (isBinary) return null;
    try {
      const f = JSON.parse(raw.toString('utf8'));
      return f && typeof f === 'object' && !Array.isArray(f) && typeof f.type === 'string' ? f : null;
    } catch {
      return null;
    }
  }

  function dispatch(ws, handlers, raw, isBinary) {
    if (ws.revoked) return; // closing: its credential no longer speaks
    const frame = parseFrame(raw, isBinary);
    if (!frame) {
      sendFrame(ws, 'error', { code: 'bad_request', message: 'Frames are JSON objects with a string "type"' });
      return;
    }
    const handler = Object.prototype.hasOwnProperty.call(handlers, frame.type) ? handlers[frame.type] : null;
    if (!handler) return; // unknown types are ignored
    const data = frame.data && typeof frame.data === 'object' && !Array.isArray(frame.data) ? frame.data : {};
    try {
      wellFormed(data);
      handler(ws, data);
    } catch (e) {
      const apiErr = toApiError(e);
      if (apiErr.code === 'internal') log.error(`ws ${frame.type}:`, e && e.stack ? e.stack : e);
      const out = { code: apiErr.code, message: apiErr.message };
      if (typeof data.id === 'string') out.id = data.id;
      sendFrame(ws, 'error', out);
    }
  }

  function authenticate(ws, role, frame) {
    if (!frame || frame.type !== 'auth' || !frame.data || typeof frame.data.token !== 'string') return false;
    if (role === 'visitor') {
      const visitor = auth.visitorForToken(frame.data.token);
      if (!visitor) return false;
      if (sockets.visitorSocketCount(visitor.id) >= config.sockets.perVisitor) return tooMany(ws);
      ws.visitor = visitor;
      db.touchVisitor(visitor.id, Date.now());
      const reads = db.reads(visitor.id);
      sockets.addVisitor(visitor.id, ws);
      const kefu = kefuStatus(visitor.id);
      lastStatus.set(visitor.id, JSON.stringify({ online: kefu.online, unavailable: kefu.unavailable, peer: kefu.peer }));
      sendFrame(ws, 'hello', {
        visitorId: visitor.id,
        kefu,
        lastSeq: conversation.lastSeq(visitor.id),
        visitorReadSeq: reads.visitor,
        agentReadSeq: reads.agent,
      });
      const ringing = calls.callBackRingingAt(visitor.id);
      if (ringing) sendFrame(ws, 'ring', ringing);
      return true;
    }
    const tokenHash = hashToken(frame.data.token);
    const agent = frame.data.token.length <= 200 ? auth.agentForTokenHash(tokenHash) : null;
    if (!agent) return false;
    if (sockets.agentSocketCount(agent.id) >= config.sockets.perAgent) return tooMany(ws);
    ws.agent = { id: agent.id, name: agent.name, role: agent.role };
    ws.tokenHash = tokenHash;
    const first = !sockets.isAgentOnline(agent.id);
    sockets.addAgent(ws);
    calls.onAgentOnline(agent.id);
    if (first) team.onAgentOnline(agent.id);
    sendFrame(ws, 'hello', {
      agent: ws.agent,
      me: team.agentJson(agent),
      agents: team.agentsList(),
      groups: team.groupsList(),
      visitors: conversation.summaries(),
      calls: calls.openCallFrames(agent.id),
    });
    for (const f of calls.callBacksOf(agent.id)) sendFrame(ws, 'callback', f); // a reloaded console's own
    return true;
  }

  function onConnection(ws, role) {
    ws.isAlive = true;
    ws.on('pong', () => {
      ws.isAlive = true;
    });
    ws.on('error', () => {}); // e.g. 1009 on oversize frames; 'close' follows
    const timer = setTimeout(() => ws.close(CLOSE_AUTH, 'auth timeout'), config.authTimeoutMs);
    let authed = false;
    const handlers = role === 'visitor' ? visitorHandlers : agentHandlers;

    ws.on('message', (raw, isBinary) => {
      ws.isAlive = true;
      if (authed) return dispatch(ws, handlers, raw, isBinary);
      clearTimeout(timer);
      let ok = false;
      try {
        ok = authenticate(ws, role, parseFrame(raw, isBinary));
      } catch (e) {
        log.error('ws auth:', e && e.stack ? e.stack : e);
      }
      if (ok === 'closed') return;
      if (!ok) return ws.close(CLOSE_AUTH, 'unauthorized');
      authed = true;
    });

    ws.on('close', () => {
      clearTimeout(timer);
      clearTimeout(ws.killTimer);
      releaseAddress(ws.address);
      if (ws.visitor) {
        if (ws.typing) visitorTyping.set(ws.visitor.id, false);
        sockets.removeVisitor(ws.visitor.id, ws);
      }
      if (ws.agent) {
        if (ws.typingFor) agentTyping.set(ws.typingFor, false);
        sockets.removeAgent(ws);
        statusChanged();
      }
    });
  }

  // Keep-alive: sockets that did not answer the previous ping are dropped. An agent socket keeps its
  // token in use (an open console is not idle) and closes when the token has expired meanwhile.
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!ws.isAlive) {
        ws.terminate();
        continue;
      }
      if (ws.agent && !ws.revoked && !auth.agentForTokenHash(ws.tokenHash)) {
        revokeSocket(ws); // the 'revoke' event normally got there first
        continue;
      }
      ws.isAlive = false;
      try {
        ws.ping();
      } catch {
        /* closing */
      }
    }
  }, config.pingIntervalMs);
  pinger.unref();

  return {
    paths: { '/ws/visitor': 'visitor', '/ws/agent': 'agent' },
    handles: (pathname) => pathname === '/ws/visitor' || pathname === '/ws/agent',
    handleUpgrade(req, socket, head, pathname) {
      const role = pathname === '/ws/visitor' ? 'visitor' : 'agent';
      const address = clientAddress(req);
      if ((perAddress.get(address) || 0) >= config.sockets.perAddress) {
        socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.address = address;
        ws.userAgent = String(req.headers['user-agent'] || '').slice(0, 512);
        perAddress.set(address, (perAddress.get(address) || 0) + 1);
        onConnection(ws, role);
      });
    },
    close() {
      closing = true;
      clearInterval(pinger);
      pages.close();
      visitorTyping.close();
      agentTyping.close();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

module.exports = { createHub };
