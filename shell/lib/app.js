'use strict';
// Wires the pieces into one HTTP server on one port.
const fs = require('fs');
const express = require('express');
const { loadConfig } = require('./config');
const { openDb } = require('./db');
const { createAuth } = require('./auth');
const { createLog } = require('./log');
const { errorHandler } = require('./errors');
const { createSockets } = require('./sockets');
const { createConversations } = require('./conversation');
const { createCalls } = require('./calls');
const { createTeam } = require('./team');
const { createAccounts } = require('./accounts');
const { loadSettings } = require('./admin-api');
const { createHub } = require('./ws-hub');
const { createApi } = require('./http-api');
const { mountPeerServer } = require('./peer-server');
const { createPeerCredentials } = require('./peer-credentials');
const { createPeerGate } = require('./peer-gate');
const { createTurn } = require('./turn');
const { startTurnServer } = require('./turn-server');
const web = require('./static');
const { createHttpServer } = require('./connection-limits');
const { DEFAULTS } = require('./config');

const isLoopback = (host) => /^127(\.\d{1,3}){3}$/.test(host) || ['::1', '[::1]', 'localhost'].includes(String(host).toLowerCase());

// The development account's password is printed in the README: it must not face a network.
function refuseDevPasswordOffLoopback(config) {
  if (config.agentPass !== DEFAULTS.agentPass || isLoopback(config.host)) return;
  throw new Error(`refusing to listen on ${config.host}: the agent account still has the development password `
    + `(${DEFAULTS.agentPass}). Set KEFU_AGENT_PASS (and KEFU_AGENT_USER) to your own, or listen on 127.0.0.1.`);
}
const { parseTrustProxy, installTrust } = require('./trust-proxy');

function rejectUpgrade(socket, status, text) {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

async function start(options = {}) {
  const config = loadConfig(options);
  refuseDevPasswordOffLoopback(config);
  const log = createLog(config.quiet);
  const db = openDb(config.dataDir);
  const sockets = createSockets();
  const auth = createAuth(db, { events: sockets.events, idleMs: config.agentTokenIdleMs, maxMs: config.agentTokenMaxMs });
  auth.ensureAgent({ username: config.agentUser, password: config.agentPass, name: config.agentName });
  const accounts = createAccounts(db, auth, { events: sockets.events });
  // The first admin: its password is shown once here (or was given as KEFU_ADMIN_PASS).
  let firstAdmin;
  try {
    firstAdmin = accounts.ensureAdmin({ username: config.adminUser, password: config.adminPass });
  } catch (e) {
    db.close();
    throw new Error(`cannot make the first admin account (KEFU_ADMIN_USER / KEFU_ADMIN_PASS): ${e.message}`);
  }
  if (firstAdmin && !config.quiet) {
    console.log(`Admin account created: ${firstAdmin.username} / ${firstAdmin.password}  (shown once; change it with node shell/admin.js passwd ${firstAdmin.username})`);
  }
  loadSettings(db, config);

  const app = express();
  app.disable('x-powered-by');
  // One trust list for everything: our own per-address limits and express's req.ip/secure/hostname.
  const trust = parseTrustProxy(config.trustProxy);
  app.set('trust proxy', (address) => trust.test(address));
  const server = createHttpServer(app, config.http);
  installTrust(server, trust);
  let listenPort = config.port;

  const team = createTeam({ db, sockets, config, log });
  const conversation = createConversations({ db, sockets, config, team });
  team.attach(conversation);
  const g = config.peerGate;
  const peerCreds = createPeerCredentials({ ttlMs: g.credentialTtlMs, maxPerVisitor: g.credentialsPerVisitor, maxPerAgent: g.credentialsPerAgent });
  const calls = createCalls({ db, sockets, conversation, config, log, peerCreds, team });
  const hub = createHub({ db, auth, sockets, conversation, calls, team, config, log });
  // The local coturn (turn.run) starts before anyone can ask for its credentials.
  const turnServer = config.turn.run ? await startTurnServer({ turn: config.turn, host: config.host, dataDir: config.dataDir, log }) : null;
  const turn = createTurn({ auth, config, local: () => (turnServer && turnServer.alive() ? turnServer : null) });
  const api = createApi({ db, auth, conversation, calls, sockets, config, turn, peerCreds, listenPort: () => listenPort, team, accounts });
  calls.recover();

  app.use(web.securityHeaders(config.peer));
  const peerGate = createPeerGate({ db, auth, sockets, calls, creds: peerCreds, settings: g, key: config.peer.key, log });
  const peer = mountPeerServer(app, server, { mountPath: '/peerjs', key: config.peer.key, maxFrameBytes: g.maxFrameBytes, gate: peerGate, log });
  app.use(web.compress);
  app.use(turn.router);
  app.use(api.router);
  app.use(web.vendorFiles());
  app.use(web.pages(config.publicDir));
  app.use(...web.widgetFiles(config.distDir));
  app.use(web.notFound);
  app.use(errorHandler(log));

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {});
    let pathname;
    try {
      pathname = new URL(req.url, 'http://x').pathname;
    } catch {
      return rejectUpgrade(socket, 400, 'Bad Request');
    }
    if (hub.handles(pathname)) return hub.handleUpgrade(req, socket, head, pathname);
    if (peer.handles(pathname)) return peer.handleUpgrade(req, socket, head);
    rejectUpgrade(socket, 404, 'Not Found');
  });
  server.on('clientError', (e, socket) => {
    const status = e && e.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  });

  const sweeper = setInterval(() => {
    conversation.sweep();
    calls.sweep();
    api.sweep();
    turn.sweep();
    auth.sweep();
  }, 60000);
  sweeper.unref();

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (e) => {
    if (turnServer) await turnServer.close(); // no coturn left behind by a server that did not start
    throw e;
  });
  listenPort = server.address().port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${listenPort}`;

  if (!config.quiet) {
    console.log(`Kefu server listening on ${url}`);
    console.log(`  demo page      ${url}/`);
    console.log(`  second page    ${url}/second.html`);
    console.log(`  try settings   ${url}/try.html?lang=en&position=left`);
    console.log(`  agent console  ${url}/agent/   (user ${config.agentUser}${config.agentPass === DEFAULTS.agentPass ? ` / password ${config.agentPass}` : ''})`);
    console.log(`  PeerJS server  ${url}/peerjs   (key ${config.peer.key})`);
    if (turnServer) console.log(`  TURN server    ${turnServer.label}`);
    console.log(`  data           ${config.dataDir}`);
    if (!fs.existsSync(config.distDir)) console.log(`  note: ${config.distDir} is missing, the widget files will 404 until it is built`);
  }

  let closed = false;
  async function close() {
    if (closed) return;
    closed = true;
    clearInterval(sweeper);
    team.stop();
    sockets.events.removeAllListeners(); // sockets closing below must not reach the database
    calls.close();
    hub.close();
    peer.close();
    if (turnServer) await turnServer.close();
    await new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    db.close();
  }

  // auth and events: for tests and admin tools (auth.setPassword/removeAgent revoke sessions).
  return { url, port: listenPort, host: config.host, close, config, db, auth, accounts, events: sockets.events };
}

module.exports = { start };
