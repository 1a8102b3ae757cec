'use strict';
// Shared helpers for the server tests: an in-process server on port 0 with a temp data dir,
// a small JSON HTTP client and a WebSocket client that queues frames.
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const { spawn } = require('child_process');
const { createRequire } = require('module');

const shellRequire = createRequire(path.join(__dirname, '../../shell/package.json'));
const WebSocket = shellRequire('ws');
const { start } = require('../../shell/server.js');

// Temp data dirs live until the test process exits (a test may restart a server on the same dir).
const tempDirs = [];
process.on('exit', () => {
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-test-'));
  tempDirs.push(d);
  return d;
}

async function startServer(options = {}) {
  const dataDir = options.dataDir || tempDir();
  const srv = await start({ port: 0, host: '127.0.0.1', dataDir, quiet: true, configFile: false, ...options });
  srv.dataDir = dataDir;
  srv.wsUrl = srv.url.replace(/^http/, 'ws');
  return srv;
}

async function api(srv, method, p, { token, body, raw, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined && !h['content-type']) h['content-type'] = 'application/json';
  const res = await fetch(srv.url + p, { method, headers: h, body: payload });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, json, text };
}

async function newVisitor(srv, name) {
  const r = await api(srv, 'POST', '/api/visitors', { body: name ? { name } : {} });
  if (r.status !== 201) throw new Error(`visitor creation failed: ${r.status} ${r.text}`);
  return r.json;
}

async function agentLogin(srv, username = 'kefu1', password = 'kefu123') {
  const r = await api(srv, 'POST', '/api/agent/login', { body: { username, password } });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
  return r.json.token;
}

// A WebSocket that keeps every frame; next(type) resolves with the first unseen frame of that type.
function wsClient(srv, p, options) {
  const ws = new WebSocket(srv.wsUrl + p, options);
  const frames = [];
  const waiters = [];
  let closeInfo = null;
  const closeWaiters = [];

  ws.on('message', (raw) => {
    let f;
    try {
      f = JSON.parse(raw.toString());
    } catch {
      f = { type: '<non-json>', data: raw.toString() };
    }
    frames.push(f);
    flush();
  });
  ws.on('error', () => {});
  ws.on('close', (code, reason) => {
    closeInfo = { code, reason: reason.toString() };
    closeWaiters.splice(0).forEach((fn) => fn(closeInfo));
  });

  function flush() {
    for (let i = 0; i < waiters.length; i++) {
      const w = waiters[i];
      const idx = frames.findIndex((f) => !f.__taken && w.match(f));
      if (idx !== -1) {
        frames[idx].__taken = true;
        waiters.splice(i--, 1);
        clearTimeout(w.timer);
        const { __taken, ...f } = frames[idx]; // eslint-disable-line no-unused-vars
        w.resolve(f);
      }
    }
  }

  const client = {
    ws,
    frames,
    opened: new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    }),
    send(type, data) {
      ws.send(JSON.stringify({ type, data }));
    },
    sendRaw(text) {
      ws.send(text);
    },
    next(type, { timeout = 2000, where = () => true } = {}) {
      return new Promise((resolve, reject) => {
        const w = { match: (f) => f.type === type && where(f.data), resolve };
        w.timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`timed out waiting for a "${type}" frame; got ${JSON.stringify(frames.map((f) => f.type))}`));
        }, timeout);
        waiters.push(w);
        flush();
      });
    },
    // Resolves once the server has handled every frame sent before this: frames are handled in order,
    // so its answer to a later ping says so.
    async settled(options) {
      client.send('ping', {});
      await client.next('pong', options);
    },
    // Resolves false if no such frame arrives within `ms`.
    async none(type, ms = 300) {
      try {
        await client.next(type, { timeout: ms });
        return false;
      } catch {
        return true;
      }
    },
    closed(timeout = 3000) {
      if (closeInfo) return Promise.resolve(closeInfo);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('socket did not close')), timeout);
        closeWaiters.push((info) => {
          clearTimeout(t);
          resolve(info);
        });
      });
    },
    close() {
      ws.close();
    },
  };
  return client;
}

async function visitorSocket(srv, token) {
  const c = wsClient(srv, '/ws/visitor');
  await c.opened;
  c.send('auth', { token });
  c.hello = (await c.next('hello')).data;
  return c;
}

async function agentSocket(srv, token) {
  const c = wsClient(srv, '/ws/agent');
  await c.opened;
  c.send('auth', { token });
  c.hello = (await c.next('hello')).data;
  return c;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// PeerJS credentials for the mounted server (docs/PROTOCOL.md §6.2): {id, token, expires}.
async function peerCredentials(srv, token, { agent = false } = {}) {
  const r = await api(srv, 'POST', agent ? '/api/agent/peer-credentials' : '/api/peer-credentials', { token });
  if (r.status !== 200) throw new Error(`peer credentials failed: ${r.status} ${r.text}`);
  return r.json;
}

// Real PeerJS ids issued to an agent, one per label ({label: id}): an agent may name only its own ids
// in `peer` and `accept` frames.
async function agentPeers(srv, token, labels) {
  const out = {};
  for (const l of labels) out[l] = (await peerCredentials(srv, token, { agent: true })).id;
  return out;
}

// A raw PeerJS client socket registered with `cred`, once the server said OPEN.
async function peerSocket(srv, cred, key = 'peerjs') {
  const c = wsClient(srv, `/peerjs/peerjs?key=${key}&id=${encodeURIComponent(cred.id)}&token=${encodeURIComponent(cred.token)}&version=1.5.5`);
  await c.opened;
  await c.next('OPEN');
  c.peerSend = (frame) => c.ws.send(JSON.stringify(frame));
  return c;
}

// The HTTP status a refused WebSocket upgrade got (0 if it was accepted).
function upgradeStatus(srv, p) {
  return new Promise((resolve) => {
    const ws = new WebSocket(srv.wsUrl + p);
    ws.on('unexpected-response', (req, res) => {
      resolve(res.statusCode);
      req.destroy();
    });
    ws.on('open', () => {
      ws.terminate();
      resolve(0);
    });
    ws.on('error', () => {});
  });
}

// An agent console as the PeerJS gate sees it: a chat socket advertising a standing peer that is registered.
async function consoleSide(srv, agentToken) {
  const chat = await agentSocket(srv, agentToken);
  const cred = await peerCredentials(srv, agentToken, { agent: true });
  const peer = await peerSocket(srv, cred);
  chat.send('peer', { peerId: cred.id });
  await chat.settled();
  return { chat, cred, peer };
}

// A new visitor with its own registered PeerJS peer.
async function visitorSide(srv) {
  const v = await newVisitor(srv);
  const cred = await peerCredentials(srv, v.token);
  const peer = await peerSocket(srv, cred);
  return { v, cred, peer };
}

// Resolves with the argument of the server's next `name` event (sockets.events: visitor-offline,
// agent-offline, ...) that `match` accepts. Call it before the action that should cause the event.
function serverEvent(srv, name, match = () => true) {
  return new Promise((resolve) => {
    const listener = (arg) => {
      if (!match(arg)) return;
      srv.events.off(name, listener);
      resolve(arg);
    };
    srv.events.on(name, listener);
  });
}

// A raw TCP connection to the server from `localAddress`; resolves once it connected or was refused/closed.
function rawConnect(port, localAddress) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress });
    s.on('error', () => {});
    // Read and drop what the server says (Node answers a silent connection's timeout with a 408): a paused
    // socket holding unread bytes never sees the server's close, and would look open to the tests.
    s.resume();
    s.once('connect', () => resolve(s));
    s.once('close', () => resolve(s));
  });
}

// The server in its own process limited to `fds` open descriptors (ulimit -n), trusting no proxy; waits
// until it answers /api/config (30 s at most). The caller kills `child`.
async function serverWithFdLimit(fds) {
  const port = await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  const server = path.join(__dirname, '../../shell/server.js');
  const child = spawn('bash', ['-c', `ulimit -n ${fds} && exec "${process.execPath}" "${server}" --port ${port} --data "${tempDir()}" --quiet`], {
    env: { ...process.env, KEFU_TRUST_PROXY: 'none' }, stdio: 'ignore',
  });
  const srv = { url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}` };
  let exited = null;
  child.once('exit', (code, signal) => (exited = signal || code));
  for (let deadline = Date.now() + 30000; ; await sleep(100)) {
    try {
      if ((await fetch(`${srv.url}/api/config`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (exited !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`the server with ${fds} descriptors did not come up (exit: ${exited})`);
    }
  }
  return { srv, port, child };
}

// A test file's usual before(): a server started with `options` and the token of its signed-in agent.
async function serverWithAgent(options) {
  const srv = await startServer(options);
  return { srv, agentToken: await agentLogin(srv) };
}

// Runs the main() of a *.browser.js check: a failure is printed and the process exits 1.
function runMain(main) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

module.exports = {
  agentPeers, runMain, serverWithAgent, rawConnect, serverWithFdLimit, serverEvent,
  WebSocket, startServer, api, newVisitor, agentLogin, wsClient, visitorSocket, agentSocket, tempDir, sleep,
  peerCredentials, peerSocket, upgradeStatus, consoleSide, visitorSide,
};
