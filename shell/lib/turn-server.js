'use strict';
// Runs Debian's coturn (`turnserver`) next to the backend, with the TURN REST API scheme: the backend
// and coturn share a secret (random for each start unless `turn.secret` is set), coturn checks the
// credentials the backend mints (lib/turn.js). The secret goes through a file only the server's user
// can read, never the command line (visible to every local user in `ps`).
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');

const BINARIES = ['/usr/bin/turnserver', '/usr/sbin/turnserver'];

function findTurnserver(explicit) {
  for (const p of explicit ? [explicit] : BINARIES) {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

// A setting that ends up in coturn's configuration file must not carry a line break or a comment.
function clean(value, what) {
  const s = String(value);
  if (!s || /[\r\n#\s]/.test(s)) throw new Error(`turn.${what} is not a plain value: ${JSON.stringify(s)}`);
  return s;
}

function listenIps(turn, host) {
  if (turn.listenIps && turn.listenIps.length) return turn.listenIps;
  // Like the backend: loopback stays loopback; 0.0.0.0 / :: means every address (coturn's default).
  return host && host !== '0.0.0.0' && host !== '::' ? [host === 'localhost' ? '127.0.0.1' : host] : [];
}

function configText(turn, { secret, host, dataDir }) {
  const lines = [
    `listening-port=${Number(turn.port)}`,
    ...listenIps(turn, host).map((ip) => `listening-ip=${clean(ip, 'listenIps')}`),
    turn.relayIp ? `relay-ip=${clean(turn.relayIp, 'relayIp')}` : '',
    turn.externalIp ? `external-ip=${clean(turn.externalIp, 'externalIp')}` : '',
    `min-port=${Number(turn.minPort)}`,
    `max-port=${Number(turn.maxPort)}`,
    'use-auth-secret',
    `static-auth-secret=${clean(secret, 'secret')}`,
    `realm=${clean(turn.realm, 'realm')}`,
    'fingerprint',
    // Only what WebRTC needs: no TLS/DTLS listeners without certificates, no telnet CLI, no admin page.
    'no-tls',
    'no-dtls',
    'no-cli',
    'no-multicast-peers',
    'no-tcp-relay', // WebRTC relays UDP; TCP connections from the relay to anywhere are not needed
    // A relay is a way into the server's networks: never to loopback (coturn's default), nor to the
    // addresses listed here (by default "this network" and link-local, where cloud metadata lives).
    ...(turn.deniedPeerIps || []).map((r) => `denied-peer-ip=${clean(r, 'deniedPeerIps')}`),
    `user-quota=${Number(turn.userQuota)}`,
    `total-quota=${Number(turn.totalQuota)}`,
    `userdb=${path.join(dataDir, 'turndb')}`,
    `pidfile=${path.join(dataDir, 'turnserver.pid')}`,
    'log-file=stdout',
    'simple-log',
  ];
  return `${lines.filter(Boolean).join('\n')}\n`;
}

function waitListening(host, port, ms) {
  const end = Date.now() + ms;
  return new Promise((resolve) => {
    const attempt = () => {
      const s = net.connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > end) resolve(false);
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

// Resolves to {port, secret, close()} once coturn accepts TCP connections, or null (with a warning)
// when coturn is not installed or does not start: calls then go without the local relay.
async function startTurnServer({ turn, host, dataDir, log }) {
  const bin = findTurnserver(turn.binary);
  if (!bin) {
    log.warn('turn: coturn is not installed (apt-get install coturn, or bash shell/setup.sh --turn); calls go without a relay');
    return null;
  }
  const secret = turn.secret || crypto.randomBytes(32).toString('base64url');
  const confFile = path.join(dataDir, 'turnserver.conf');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(confFile, configText(turn, { secret, host, dataDir }), { mode: 0o600 });
  fs.chmodSync(confFile, 0o600); // an older file keeps its mode otherwise
  const child = spawn(bin, ['-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (d) => {
    tail = (tail + d).slice(-4000);
    if (turn.verbose) process.stdout.write(d);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exitedP = new Promise((resolve) => child.once('exit', (code, sig) => {
    exited = true;
    resolve();
    if (!closing) log.error(`turn: coturn exited (${sig || code}); calls go without the local relay. ${tail.split('\n').slice(-5).join(' | ')}`);
  }));
  child.once('error', (e) => log.error(`turn: cannot start ${bin}: ${e.message}`));
  let closing = false;
  const close = async () => {
    closing = true;
    if (exited) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exitedP;
    clearTimeout(t);
  };
  const probe = listenIps(turn, host)[0] || '127.0.0.1';
  const up = await Promise.race([waitListening(probe, Number(turn.port), 5000), exitedP.then(() => false)]);
  if (!up) {
    await close();
    log.error(`turn: coturn did not start on port ${turn.port}: ${tail.split('\n').slice(-5).join(' | ')}`);
    return null;
  }
  const label = `turn:${probe}:${turn.port} (coturn, UDP and TCP; relay ports ${turn.minPort}-${turn.maxPort})`;
  return { port: Number(turn.port), secret, close, alive: () => !exited, label };
}

module.exports = { startTurnServer, configText, findTurnserver };
