'use strict';
// Server settings: defaults < shell/config.json < environment < start() options.
const fs = require('fs');
const path = require('path');

const SHELL_DIR = path.resolve(__dirname, '..');
const ROOT_DIR = path.resolve(SHELL_DIR, '..');

const DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  dataDir: path.join(SHELL_DIR, 'data'),
  distDir: path.join(ROOT_DIR, 'web', 'dist'),
  publicDir: path.join(SHELL_DIR, 'public'),
  agentUser: 'kefu1',
  agentPass: 'kefu123',
  agentName: '小美',
  kefuId: 'kefu1',
  iceServers: [],
  // TURN relay for calls (docs/PROTOCOL.md §3 "ICE servers"): `urls` + shared `secret` of a TURN
  // service using the REST API scheme, or `run: true` to start Debian's coturn next to the backend.
  turn: {
    urls: [],
    secret: null,
    ttlSeconds: 4 * 3600, // how long minted credentials stay valid (a longer call may lose the relay)
    run: false,
    port: 3478,
    listenIps: [], // default: the backend's host (every address for 0.0.0.0)
    relayIp: null,
    externalIp: null, // public address when the server is behind NAT (coturn's external-ip)
    publicHost: null, // host name in the announced urls; default: the one the client used
    minPort: 49160,
    maxPort: 49999, // each call takes up to 4 (a UDP and a TCP allocation per side)
    realm: 'kefu',
    deniedPeerIps: ['0.0.0.0-0.255.255.255', '169.254.0.0-169.254.255.255', 'fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    userQuota: 12,
    totalQuota: 1200,
    requestsPerMinute: 30,
  },
  // Proxies whose X-Forwarded-* headers are believed (addresses, CIDRs, loopback, private, linklocal).
  trustProxy: ['loopback'],
  // What /api/config tells clients about the PeerJS server; null fields follow the request.
  // auth: 'kefu' tells clients to register with credentials from the backend (the mounted server
  // always requires them), 'none' that the server is a standalone stock one; null: 'kefu' unless
  // host or port name another server.
  peer: { host: null, port: null, path: '/peerjs', key: 'peerjs', secure: null, auth: null },
  // The gate of the mounted PeerJS server (docs/PROTOCOL.md §6.2).
  peerGate: {
    credentialTtlMs: 60000, // an issued id+token must be used within this; stays valid this long after its last socket
    credentialsPerVisitor: 8, // outstanding credentials per identity; beyond it the oldest unused one goes
    credentialsPerAgent: 16,
    perVisitor: 4, // registrations (open PeerJS sockets) per visitor, per agent and per client address
    perAgent: 8,
    perAddress: 32,
    idleMs: 30000, // a socket that sends nothing (peerjs heartbeats every 5 s) for this long is closed
    staleMs: 8000, // at the per-owner cap, the owner's socket silent this long gives way to a new one
    maxFrameBytes: 32 * 1024, // a real video offer is ~6.6 KB; a bigger frame closes its sender
    maxDepth: 8, // JSON nesting of a frame; a PeerJS OFFER uses 3
    holdMs: 4000, // a visitor's frames ahead of its ring wait this long for the call
    holdFrames: 32,
    holdBytes: 128 * 1024,
    queueFrames: 32, // frames the stock server may keep for one absent id
    queueBytes: 256 * 1024,
  },
  welcome: {
    'zh-CN': '您好，我是客服小美，请问有什么可以帮您？',
    en: "Hi, I'm Xiaomei from customer service. How can I help you?",
  },
  authTimeoutMs: 10000,
  pingIntervalMs: 20000,
  ringTimeoutMs: 35000,
  // A call rings the conversation's assignee first and the rest of its group this much later.
  ringGroupDelayMs: 10000,
  // How often the server looks for account changes made by node shell/admin.js (removed accounts,
  // new passwords, roles): their tokens and sockets end within this.
  accountPollMs: 1000,
  // The first admin account, made at the first start when there is none. No password: one is
  // generated and printed once.
  adminUser: 'admin',
  adminPass: null,
  leftGraceMs: 5000,
  rate: {
    messages: 20, // per visitor and window
    messagesWindowMs: 10000,
    visitorCreates: 60, // per client address and minute
    logins: 10, // failed agent logins per client address and minute
    calls: 10, // call requests per visitor and minute
    ringsPerAddress: 3, // calls ringing at once from one client address
    typingIntervalMs: 250, // at most one typing frame per conversation and direction this often
    typingQuietMs: 6000, // an "on" not repeated for this long is relayed as "off"
    // Per account (docs/PROTOCOL.md §2): the first `loginFreeFailures` failures within
    // `loginWindowMs` cost nothing; after them an address that has failed on the account waits
    // 1 s, 2 s, 4 s … (at most `loginMaxDelayMs`) after the account's last failure. An address
    // that has not failed on the account is not held, so the real agent gets in at once.
    loginFreeFailures: 5,
    loginWindowMs: 15 * 60000,
    loginMaxDelayMs: 30000,
  },
  // Agent tokens end after this long without use (an open console socket counts as use), and this
  // long after the login in any case.
  agentTokenIdleMs: 12 * 3600000,
  agentTokenMaxMs: 7 * 24 * 3600000,
  // Chat sockets (/ws/*) per visitor, per agent and per client address (authenticated or not).
  sockets: { perVisitor: 10, perAgent: 20, perAddress: 50 },
  // TCP connections per client address (HTTP, chat and PeerJS together) and slow-request timeouts.
  // keepAliveMs: an idle HTTP connection stays open this long, so a visitor's click on 语音 minutes after
  // the page loaded does not wait for a new TCP (and TLS) handshake; idle ones are the first displaced.
  http: { connectionsPerAddress: 128, headersTimeoutMs: 10000, requestTimeoutMs: 30000, idleTimeoutMs: 120000, keepAliveMs: 65000 },
  quiet: false,
};

function readJsonFile(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    if (e.code === 'ENOENT') return {};
    throw new Error(`Cannot read ${file}: ${e.message}`);
  }
}

const list = (v) => (v.trim().startsWith('[') ? JSON.parse(v) : v.split(',').map((x) => x.trim()).filter(Boolean));

function turnEnv(env) {
  const t = {};
  if (env.KEFU_TURN) t.run = /^(1|true|yes)$/i.test(env.KEFU_TURN);
  if (env.KEFU_TURN_URLS) t.urls = list(env.KEFU_TURN_URLS);
  if (env.KEFU_TURN_SECRET) t.secret = env.KEFU_TURN_SECRET;
  if (env.KEFU_TURN_TTL) t.ttlSeconds = Number(env.KEFU_TURN_TTL);
  if (env.KEFU_TURN_PORT) t.port = Number(env.KEFU_TURN_PORT);
  if (env.KEFU_TURN_LISTEN) t.listenIps = list(env.KEFU_TURN_LISTEN);
  if (env.KEFU_TURN_RELAY_IP) t.relayIp = env.KEFU_TURN_RELAY_IP;
  if (env.KEFU_TURN_EXTERNAL_IP) t.externalIp = env.KEFU_TURN_EXTERNAL_IP;
  if (env.KEFU_TURN_HOST) t.publicHost = env.KEFU_TURN_HOST;
  if (env.KEFU_TURN_PORTS) {
    const m = /^(\d+)-(\d+)$/.exec(env.KEFU_TURN_PORTS.trim());
    if (!m) throw new Error(`KEFU_TURN_PORTS must look like 49160-49200: ${env.KEFU_TURN_PORTS}`);
    t.minPort = Number(m[1]);
    t.maxPort = Number(m[2]);
  }
  return t;
}

function checkTurn(t) {
  const port = (p) => Number.isInteger(p) && p > 0 && p < 65536;
  if (!Array.isArray(t.urls) || !t.urls.every((u) => typeof u === 'string' && /^turns?:[^\s]+$/.test(u))) {
    throw new Error('turn.urls must be a list of turn: or turns: URLs');
  }
  if (t.secret !== null && (typeof t.secret !== 'string' || !t.secret)) throw new Error('turn.secret must be a string');
  // Clients treat credentials with a minute left as expired: shorter lifetimes would never be used.
  if (!Number.isInteger(t.ttlSeconds) || t.ttlSeconds < 300 || t.ttlSeconds > 7 * 86400) {
    throw new Error('turn.ttlSeconds must be a whole number from 300 to 604800');
  }
  if (!port(t.port) || !port(t.minPort) || !port(t.maxPort) || t.minPort > t.maxPort) throw new Error('Bad turn ports');
  if (!Array.isArray(t.listenIps) || !Array.isArray(t.deniedPeerIps)) throw new Error('turn.listenIps and turn.deniedPeerIps must be lists');
}

function envSettings(env) {
  const out = {};
  if (env.KEFU_PORT) out.port = Number(env.KEFU_PORT);
  if (env.KEFU_HOST) out.host = env.KEFU_HOST;
  if (env.KEFU_DATA) out.dataDir = env.KEFU_DATA;
  if (env.KEFU_DIST) out.distDir = env.KEFU_DIST;
  if (env.KEFU_AGENT_USER) out.agentUser = env.KEFU_AGENT_USER;
  if (env.KEFU_AGENT_PASS) out.agentPass = env.KEFU_AGENT_PASS;
  if (env.KEFU_AGENT_NAME) out.agentName = env.KEFU_AGENT_NAME;
  if (env.KEFU_ADMIN_USER) out.adminUser = env.KEFU_ADMIN_USER;
  if (env.KEFU_ADMIN_PASS) out.adminPass = env.KEFU_ADMIN_PASS;
  if (env.KEFU_RING_GROUP_DELAY_MS) out.ringGroupDelayMs = Number(env.KEFU_RING_GROUP_DELAY_MS);
  if (env.KEFU_SOCKETS_PER_ADDRESS) out.sockets = { perAddress: Number(env.KEFU_SOCKETS_PER_ADDRESS) };
  if (env.KEFU_CONNECTIONS_PER_ADDRESS) out.http = { connectionsPerAddress: Number(env.KEFU_CONNECTIONS_PER_ADDRESS) };
  // The visitor message rate (announced in /api/config as limits.messagesPerWindow / rateWindowMs).
  if (env.KEFU_RATE_MESSAGES || env.KEFU_RATE_WINDOW_MS) {
    out.rate = {};
    if (env.KEFU_RATE_MESSAGES) out.rate.messages = Number(env.KEFU_RATE_MESSAGES);
    if (env.KEFU_RATE_WINDOW_MS) out.rate.messagesWindowMs = Number(env.KEFU_RATE_WINDOW_MS);
  }
  if (env.KEFU_TRUST_PROXY !== undefined) out.trustProxy = env.KEFU_TRUST_PROXY;
  if (env.KEFU_ICE_SERVERS) {
    try {
      out.iceServers = JSON.parse(env.KEFU_ICE_SERVERS);
    } catch (e) {
      throw new Error(`KEFU_ICE_SERVERS is not valid JSON: ${e.message}`);
    }
  }
  const turn = turnEnv(env);
  if (Object.keys(turn).length) out.turn = turn;
  const peer = {};
  if (env.KEFU_PEER_HOST) peer.host = env.KEFU_PEER_HOST;
  if (env.KEFU_PEER_PORT) peer.port = Number(env.KEFU_PEER_PORT);
  if (env.KEFU_PEER_PATH) peer.path = env.KEFU_PEER_PATH;
  if (env.KEFU_PEER_KEY) peer.key = env.KEFU_PEER_KEY;
  if (env.KEFU_PEER_SECURE) peer.secure = /^(1|true|yes)$/i.test(env.KEFU_PEER_SECURE);
  if (env.KEFU_PEER_AUTH) peer.auth = env.KEFU_PEER_AUTH;
  if (Object.keys(peer).length) out.peer = peer;
  return out;
}

function merge(base, over) {
  const out = { ...base };
  for (const [k, v] of Object.entries(over || {})) {
    if (v === undefined) continue;
    if (v && typeof v === 'object' && !Array.isArray(v) && base[k] && typeof base[k] === 'object' && !Array.isArray(base[k])) {
      out[k] = merge(base[k], v);
    } else {
      out[k] = v;
    }
  }
  return out;
}

// Every setting whose default is a number must be a whole number ≥ 0: a "8000" from config.json would
// otherwise compare as a string and quietly disable a limit. In the groups that hold only numbers (rate,
// sockets, http, peerGate) an unknown name is a typo, also refused.
function checkNumbers(defaults, cfg, at = '') {
  for (const [k, d] of Object.entries(defaults)) {
    const v = cfg[k], name = at + k;
    if (typeof d === 'number' && !(Number.isInteger(v) && v >= 0)) {
      throw new Error(`${name} must be a whole number ≥ 0, not ${JSON.stringify(v)}`);
    }
    if (d && typeof d === 'object' && !Array.isArray(d)) {
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${name} must be an object`);
      if (Object.values(d).every((x) => typeof x === 'number')) {
        for (const extra of Object.keys(v)) if (!(extra in d)) throw new Error(`Unknown setting ${name}.${extra}`);
      }
      checkNumbers(d, v, name + '.');
    }
  }
}

function loadConfig(options = {}, env = process.env) {
  const fileSettings = options.configFile === false ? {} : readJsonFile(options.configFile || path.join(SHELL_DIR, 'config.json'));
  const cfg = merge(merge(merge(DEFAULTS, fileSettings), envSettings(env)), options);
  if (!Array.isArray(cfg.iceServers)) throw new Error('iceServers must be a JSON array');
  checkTurn(cfg.turn);
  if (![null, undefined, 'kefu', 'none'].includes(cfg.peer.auth)) throw new Error(`peer.auth must be "kefu" or "none", not ${JSON.stringify(cfg.peer.auth)}`);
  if (cfg.peer.auth === null || cfg.peer.auth === undefined) cfg.peer.auth = cfg.peer.host || cfg.peer.port ? 'none' : 'kefu';
  if (!Number.isInteger(cfg.port) || cfg.port < 0 || cfg.port > 65535) throw new Error(`Bad port: ${cfg.port}`);
  checkNumbers(DEFAULTS, cfg);
  cfg.dataDir = path.resolve(cfg.dataDir);
  return cfg;
}

module.exports = { loadConfig, DEFAULTS, SHELL_DIR, ROOT_DIR };
