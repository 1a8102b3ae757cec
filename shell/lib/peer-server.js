'use strict';
// The stock PeerJS signalling server (npm `peer`), mounted on our HTTP server at /peerjs.
// Its WebSocket lives at /peerjs/peerjs (clients use {path: '/peerjs'}). We route upgrades to it
// ourselves (noServer) so it shares the port with the chat sockets.
// `peer` keeps two self-rescheduling timers with no stop hook; they are found through async_hooks,
// unref'd and cleared on close so a server started in-process can shut down cleanly.
// With a `gate` (peer-gate.js) every upgrade and every client frame passes it first, and the stock
// HTTP routes that only serve unauthenticated registration (GET …/id, …/peers) answer 403.
const asyncHooks = require('async_hooks');
const WebSocket = require('ws');
const { ExpressPeerServer } = require('peer');

function trackTimers(fn) {
  const ids = new Set();
  const timers = new Map();
  let capturing = true;
  const hook = asyncHooks.createHook({
    init(asyncId, type, triggerAsyncId, resource) {
      if (type !== 'Timeout' || !(capturing || ids.has(triggerAsyncId))) return;
      ids.add(asyncId);
      timers.set(asyncId, resource);
      queueMicrotask(() => resource.unref && resource.unref());
    },
    destroy(asyncId) {
      ids.delete(asyncId);
      timers.delete(asyncId);
    },
  });
  hook.enable();
  try {
    fn();
  } finally {
    capturing = false;
  }
  return () => {
    hook.disable();
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
    ids.clear();
  };
}

function mountPeerServer(app, httpServer, { mountPath = '/peerjs', key = 'peerjs', maxFrameBytes = 64 * 1024, gate = null, log }) {
  let wss = null;
  const peerApp = ExpressPeerServer(httpServer, {
    path: '/',
    key,
    allow_discovery: false,
    proxied: false,
    createWebSocketServer: (options) => {
      wss = new WebSocket.Server({ noServer: true, path: options.path, maxPayload: maxFrameBytes });
      return wss;
    },
  });
  peerApp.on('error', (e) => log.warn('peer server:', e && e.message ? e.message : e));
  if (gate) {
    app.use(mountPath, (req, res, next) => {
      if (!/^\/[^/]+\/(id|peers)\/?$/.test(req.path)) return next();
      res.set('Cache-Control', 'no-store');
      res.status(403).json({ error: { code: 'forbidden', message: 'PeerJS ids come from POST /api/peer-credentials' } });
    });
  }
  const stopTimers = trackTimers(() => app.use(mountPath, peerApp));
  const wsPath = wss.options.path; // "/peerjs/peerjs"

  return {
    wsPath,
    handles: (pathname) => pathname === wsPath,
    handleUpgrade(req, socket, head) {
      if (gate) return gate.upgrade(req, socket, head, wss);
      return wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    close() {
      stopTimers();
      if (gate) gate.close();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

module.exports = { mountPeerServer };
