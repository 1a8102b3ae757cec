'use strict';
// JSON API: /api/... and the seed-compatible call endpoint /2/callKefu.
const express = require('express');
const { err } = require('./errors');
const { newId, newToken, hashToken } = require('./auth');
const { parseJson } = require('./db');
const { createRateLimit } = require('./rate-limit');
const { createLoginGuard } = require('./login-guard');
const v = require('./validate');
const { publicIceServers } = require('./turn');
const { clientAddress } = require('./client-address');
const { createAdminApi } = require('./admin-api');
const { createShiftApi } = require('./shift-api');
const { createVisitorInfoApi } = require('./visitor-info-api');
const { createAwayApi } = require('./away-api');
const { publicOrigin, fromLoopbackClient } = require('./trust-proxy');
const DEV_PASSWORD = require('./config').DEFAULTS.agentPass;

// What the clients need to reach the PeerJS server of this same process (or the configured one):
// the origin the visitor's browser sees (through a trusted proxy: its X-Forwarded-*), KEFU_PEER_* first.
function peerSettings(req, config, listenPort) {
  const p = config.peer;
  const seen = publicOrigin(req, listenPort);
  return {
    host: p.host || seen.host,
    port: p.port || seen.port,
    path: p.path,
    key: p.key,
    secure: p.secure === null || p.secure === undefined ? seen.secure : !!p.secure,
    // 'kefu': register with an id and token from POST /api/peer-credentials (docs/PROTOCOL.md §6.2).
    auth: p.auth === 'kefu' ? 'kefu' : 'none',
  };
}

function defaultName(id) {
  return `访客 ${id.slice(-4).toUpperCase()}`;
}

function createApi({ db, auth, conversation, calls, sockets, config, turn, peerCreds, listenPort, team, accounts }) {
  const router = express.Router();
  const createLimit = createRateLimit({ max: config.rate.visitorCreates, windowMs: 60000 });
  const loginGuard = createLoginGuard({
    perAddress: config.rate.logins,
    freeFailures: config.rate.loginFreeFailures,
    windowMs: config.rate.loginWindowMs,
    maxDelayMs: config.rate.loginMaxDelayMs,
  });
  const json = express.json({ limit: '16kb', strict: true, type: ['application/json', 'application/*+json', 'text/plain'] });

  // Bearer tokens only (no cookies), so any origin may call the visitor API: the widget can be embedded
  // anywhere. The agent endpoints serve the console, which is same-origin: no CORS headers there, so no
  // other site's script can read their answers (preflights included).
  router.use((req, res, next) => {
    if (!/^\/(api|2)(\/|$)/.test(req.path)) return next('router');
    res.set('Cache-Control', 'no-store');
    if (/^\/api\/(agent|admin)(\/|$)/.test(req.path)) {
      if (req.method === 'OPTIONS') return res.status(204).end();
      return next();
    }
    res.set('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') {
      res.set('Access-Control-Allow-Methods', 'GET, POST, PATCH, DELETE, OPTIONS');
      res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      res.set('Access-Control-Max-Age', '600');
      return res.status(204).end();
    }
    next();
  });
  router.use(json);

  // ---- public ----
  router.get('/api/config', (req, res) => {
    // ?kefu= an agent or group (the widget's `kefu` setting): the availability of that one's group.
    const kefu = typeof req.query.kefu === 'string' && req.query.kefu.length <= 64 ? req.query.kefu : '';
    const group = team.target(kefu).group;
    const why = team.unavailable(group);
    const { welcome, ...branding } = team.away.branding(group); // away.js: the group's texts over the site's
    res.json({
      kefu: { id: config.kefuId, name: config.agentName, online: why === null, unavailable: why, group },
      welcome,
      branding,
      peer: peerSettings(req, config, listenPort),
      // Never a TURN password: those come from POST /api/ice-servers, to authenticated clients only.
      iceServers: publicIceServers(config.iceServers),
      turnCredentials: turn ? turn.available() : false,
      limits: {
        maxMessageChars: v.MAX_TEXT_CHARS,
        maxMessageBytes: v.MAX_TEXT_BYTES,
        maxFrameBytes: 16 * 1024,
        historyPageMax: v.MAX_PAGE,
        messagesPerWindow: config.rate.messages,
        rateWindowMs: config.rate.messagesWindowMs,
        ringTimeoutMs: config.ringTimeoutMs,
      },
    });
  });

  function issuePeerCredentials(owner) {
    const c = peerCreds.issue(owner);
    if (!c) throw err('rate_limited', 'Too many PeerJS registrations for this identity');
    return c;
  }

  router.post('/api/visitors', (req, res) => {
    const body = v.body(req);
    const name = v.optionalField(body, 'name');
    const lang = v.optionalField(body, 'lang');
    // The widget's `kefu` setting: routes the visitor's conversations to that agent or group. One that
    // names nobody (a group removed since the page was written) means the default group: a stale page
    // setting must not keep its visitors from chatting.
    let kefu = v.optionalField(body, 'kefu');
    if (kefu && (kefu.length > 64 || !team.knownKefu(kefu))) kefu = '';
    if (!createLimit.hit(clientAddress(req))) throw err('rate_limited', 'Too many new visitors from this address');
    const id = newId('v_');
    const token = newToken();
    const attrs = lang ? { lang } : {};
    db.createVisitor({ id, tokenHash: hashToken(token), name: name || defaultName(id), attrs: JSON.stringify(attrs), now: Date.now(), kefu: kefu || '' });
    res.status(201).json({ visitorId: id, token });
  });

  // ---- visitor ----
  router.get('/api/visitors/me', auth.requireVisitor, (req, res) => {
    res.json(conversation.profile(req.visitor));
  });

  router.patch('/api/visitors/me', auth.requireVisitor, (req, res) => {
    const body = v.body(req);
    const cur = req.visitor;
    const next = {
      id: cur.id,
      name: v.optionalField(body, 'name'),
      email: v.optionalField(body, 'email'),
      phone: v.optionalField(body, 'phone'),
      attrs: v.attrs(body.attrs),
    };
    const merged = {
      id: cur.id,
      name: next.name === undefined || next.name === '' ? cur.name : next.name,
      email: next.email === undefined ? cur.email : next.email,
      phone: next.phone === undefined ? cur.phone : next.phone,
      attrs: next.attrs === undefined ? cur.attrs : JSON.stringify({ ...parseJson(cur.attrs, {}), ...next.attrs }),
    };
    if (merged.attrs.length > 4096) throw err('too_large', 'attrs are too large');
    db.updateVisitor(merged);
    sockets.toAgents('visitor', conversation.summary(cur.id));
    res.json(conversation.profile(db.visitorById(cur.id)));
  });

  // Forget me: the conversation, its calls and the identity are erased, the token and its sockets end.
  router.delete('/api/visitors/me', auth.requireVisitor, (req, res) => {
    const id = req.visitor.id;
    if (db.openCallForVisitor(id)) calls.visitorAction(req.visitor, { action: 'hangup' });
    auth.forgetVisitor(id);
    sockets.toAgents('visitor_removed', { visitorId: id });
    res.json({ ok: true });
  });

  // A new token for the same visitor; the old one stops working and its sockets are closed.
  router.post('/api/visitors/me/token', auth.requireVisitor, (req, res) => {
    const token = auth.rotateVisitorToken(req.visitor.id);
    if (!token) throw err('unauthorized', 'A valid visitor token is required');
    res.json({ visitorId: req.visitor.id, token });
  });

  router.get('/api/messages', auth.requireVisitor, (req, res) => {
    res.json(conversation.history(req.visitor.id, req.query));
  });

  router.post('/api/messages', auth.requireVisitor, (req, res) => {
    const body = v.body(req);
    if (body.visitor_id !== undefined && body.visitor_id !== req.visitor.id) {
      throw err('forbidden', 'visitor_id does not match the token');
    }
    res.json(conversation.postVisitorMessage(req.visitor, body, null));
  });

  // An id and token for the mounted PeerJS server, bound to this visitor (docs/PROTOCOL.md §6.2).
  router.post('/api/peer-credentials', auth.requireVisitor, (req, res) => {
    res.json(issuePeerCredentials({ visitorId: req.visitor.id }));
  });

  router.post('/2/callKefu', auth.requireVisitor, (req, res) => {
    res.json(calls.visitorAction(req.visitor, v.body(req), clientAddress(req)));
  });

  // ---- agent ----
  router.post('/api/agent/login', (req, res) => {
    const body = v.body(req);
    const address = clientAddress(req);
    if (typeof body.username !== 'string' || typeof body.password !== 'string') {
      throw err('bad_request', 'username and password are required');
    }
    // The development password is printed in the README. Behind a proxy the server listens on loopback
    // yet faces the network, so that password signs in only clients on this machine.
    if (body.password === DEV_PASSWORD && !fromLoopbackClient(req)) {
      throw err('forbidden', 'The development password works only on this machine: set KEFU_AGENT_PASS');
    }
    const wait = loginGuard.check(body.username, address);
    if (wait !== null) {
      const seconds = Math.max(1, Math.ceil(wait / 1000));
      res.set('Retry-After', String(seconds));
      throw err('rate_limited', `Too many failed logins, try again in ${seconds} s`);
    }
    const result = auth.login(body.username, body.password);
    if (!result) {
      loginGuard.fail(body.username, address);
      throw err('unauthorized', 'Wrong user name or password');
    }
    loginGuard.succeed(body.username, address);
    res.json({ token: result.token, agent: { id: result.agent.id, name: result.agent.name, role: result.agent.role } });
  });

  router.post('/api/agent/logout', auth.requireAgent, (req, res) => {
    auth.logout(req.token);
    res.json({ ok: true });
  });

  // The same for the console, bound to the agent token used here: its logout ends them.
  router.post('/api/agent/peer-credentials', auth.requireAgent, (req, res) => {
    res.json(issuePeerCredentials({ agentId: req.agent.id, tokenHash: hashToken(req.token) }));
  });

  router.get('/api/agent/me', auth.requireAgent, (req, res) => {
    res.json({ agent: { id: req.agent.id, name: req.agent.name, role: req.agent.role } });
  });

  // The team as the console shows it: agents with their presence, groups with their members.
  router.get('/api/agent/team', auth.requireAgent, (req, res) => {
    res.json({ agents: team.agentsList(), groups: team.groupsList() });
  });

  router.post('/api/agent/visitors/:id/transfer', auth.requireAgent, (req, res) => {
    res.json({ conversation: team.transfer(req.agent, req.params.id, v.body(req)) });
  });

  router.post('/api/agent/visitors/:id/close', auth.requireAgent, (req, res) => {
    res.json({ conversation: team.closeConversation(req.agent, req.params.id) });
  });

  router.use(createAdminApi({ db, auth, accounts, team, sockets, config }));
  router.use(createShiftApi({ db, auth, conversation, sockets }));
  router.use(createVisitorInfoApi({ db, auth, sockets }));
  router.use(createAwayApi({ db, auth, conversation, sockets, team }));

  router.get('/api/agent/visitors', auth.requireAgent, (req, res) => {
    res.json({ visitors: conversation.summaries() });
  });

  router.get('/api/agent/visitors/:id', auth.requireAgent, (req, res) => {
    const s = conversation.summary(req.params.id);
    if (!s) throw err('not_found', 'Unknown visitor');
    res.json(s);
  });

  router.get('/api/agent/visitors/:id/messages', auth.requireAgent, (req, res) => {
    if (!db.visitorById(req.params.id)) throw err('not_found', 'Unknown visitor');
    res.json(conversation.history(req.params.id, req.query));
  });

  // Anything else under the API prefixes is a JSON 404.
  router.all(['/api', '/api/*', '/2', '/2/*'], () => {
    throw err('not_found', 'No such endpoint');
  });

  return {
    router,
    sweep() {
      createLimit.sweep();
      loginGuard.sweep();
    },
  };
}

module.exports = { createApi, peerSettings };
