'use strict';
// The servers the call figures run against besides the Kefu server: the baseline pages' static server,
// the latency proxy of the rtt40 setting and the second backend with coturn of the relay setting.
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const net = require('node:net');
const { startServer } = require('../tests/e2e/harness');
const { BENCH } = require('./common');

// A tiny static server for the baseline page on its own loopback origin (the Kefu server's pages carry a
// strict CSP and serve only the product's files). The Kefu API answers cross-origin requests.
function startStatic() {
  const files = {
    '/seed-visitor.html': 'text/html; charset=utf-8', '/seed-visitor.js': 'text/javascript; charset=utf-8',
    '/floor.html': 'text/html; charset=utf-8', '/floor.js': 'text/javascript; charset=utf-8',
  };
  const srv = http.createServer((req, res) => {
    const p = new URL(req.url, 'http://x').pathname;
    if (!files[p]) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, { 'Content-Type': files[p], 'Cache-Control': 'no-store' });
    res.end(fs.readFileSync(path.join(BENCH, p.slice(1))));
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${srv.address().port}`, close: () => srv.close() })));
}

// A TCP proxy in front of the Kefu server that delays every chunk by `oneWayMs` in each direction: the
// pages and the console then see the server (HTTP, chat sockets, PeerJS) across a network with a round
// trip of 2 × oneWayMs, while media still flows directly between the browsers. Order is preserved.
function startLatencyProxy(targetUrl, oneWayMs) {
  const target = new URL(targetUrl);
  const conns = new Set();
  const srv = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    conns.add(client);
    conns.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const relay = (from, to) => {
      from.on('data', (d) => setTimeout(() => { if (!to.destroyed) to.write(d); }, oneWayMs));
      from.on('end', () => setTimeout(() => to.end(), oneWayMs));
      from.on('error', () => to.destroy());
      from.on('close', () => { conns.delete(from); setTimeout(() => to.destroy(), oneWayMs + 5); });
    };
    relay(client, upstream);
    relay(upstream, client);
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${srv.address().port}`,
    close: () => { for (const c of conns) c.destroy(); srv.close(); },
  })));
}

// A second server for the relay setting, running Debian's coturn on a non-loopback address of this
// machine (coturn never relays to loopback peers). Rejects with the reason when it cannot run here.
async function relayServer() {
  const os = require('node:os');
  if (!['/usr/bin/turnserver', '/usr/sbin/turnserver'].some((p) => fs.existsSync(p))) throw new Error('coturn is not installed (bash shell/setup.sh --turn)');
  const ip = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!ip) throw new Error('no non-loopback IPv4 address for the TURN server');
  const crypto = require('node:crypto');
  const secret = crypto.randomBytes(24).toString('hex');
  const turnPort = await new Promise((r) => { const t = net.createServer(); t.listen(0, ip.address, () => { const p = t.address().port; t.close(() => r(p)); }); });
  const srv = await startServer({ env: {
    KEFU_TURN: '1', KEFU_TURN_SECRET: secret, KEFU_TURN_LISTEN: ip.address, KEFU_TURN_HOST: ip.address,
    KEFU_TURN_PORT: String(turnPort), KEFU_TURN_PORTS: '49160-49400',
  } });
  // Credentials for the floor page, minted the way the backend mints them (TURN REST API scheme).
  srv.mintIce = () => {
    const username = `${Math.floor(Date.now() / 1000) + 3600}:bench-floor`;
    const credential = crypto.createHmac('sha1', secret).update(username).digest('base64');
    return [{ urls: [`turn:${ip.address}:${turnPort}?transport=udp`], username, credential }];
  };
  return srv;
}

module.exports = { startStatic, startLatencyProxy, relayServer };
