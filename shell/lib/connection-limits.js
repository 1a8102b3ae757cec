'use strict';
// Connection-level protection for the one HTTP server: a cap on open TCP connections per client
// address (HTTP, chat and PeerJS sockets alike), timeouts for slow requests, and a total kept below the
// process's descriptor limit, so that one address holding a thousand sockets or trickling headers
// cannot use up the descriptors every other client needs.
const fs = require('fs');
const http = require('http');
const { socketAddress, fromTrustedProxy } = require('./client-address');

// The soft "Max open files" of this process (Linux), or null where it cannot be read.
function openFilesLimit() {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

// Descriptors kept for the database, the files served and the listening socket.
const RESERVED_FDS = 64;

function createHttpServer(app, { headersTimeoutMs, requestTimeoutMs, idleTimeoutMs, keepAliveMs = 65000, connectionsPerAddress }) {
  const server = http.createServer({
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    // How often the two timeouts above are checked (Node's default, 30 s, would let them run late).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, headersTimeoutMs / 2)),
    keepAliveTimeout: keepAliveMs,
  }, app);
  server.timeout = idleTimeoutMs; // a connection that moves no byte for this long is closed
  // At the descriptor limit Node's own maxConnections would reset every newcomer, and the server would look
  // down to everyone while idle connections hold it. Instead a newcomer displaces the oldest connection
  // that has not sent a whole request head yet, else the oldest idle keep-alive one; only when every
  // connection is busy (a request in progress, a WebSocket) is the newcomer turned away.
  const fds = openFilesLimit();
  const maxOpen = fds ? Math.max(16, fds - RESERVED_FDS) : Infinity;
  const all = new Set(); // open connections, oldest first
  const busy = new Set(); // sockets with a request in progress
  const upgraded = new WeakSet();
  server.prependListener('request', (req, res) => {
    busy.add(req.socket);
    res.once('close', () => busy.delete(req.socket));
  });
  server.prependListener('upgrade', (req) => upgraded.add(req.socket));
  const displaceFor = (newcomer) => {
    for (const s of all) if (s !== newcomer && !started.has(s)) return s.destroy(), true;
    for (const s of all) if (s !== newcomer && !upgraded.has(s) && !busy.has(s)) return s.destroy(), true;
    return false;
  };

  // A connection's first request head must arrive within headersTimeoutMs even if it never sends a
  // byte. Node 20 counts its headersTimeout from the connection (and answers 408); Node 18 only from the
  // first byte, and would hold a silent connection until the idle timeout.
  const started = new WeakSet();
  const mark = (req) => started.add(req.socket);
  server.prependListener('request', mark);
  server.prependListener('upgrade', mark);
  server.on('connection', (socket) => {
    const t = setTimeout(() => started.has(socket) || socket.destroy(), headersTimeoutMs);
    t.unref();
    socket.once('close', () => clearTimeout(t));
  });

  const open = new Map(); // client address -> open connections
  server.on('connection', (socket) => {
    // A trusted reverse proxy carries many clients on its connections; it keeps its own limits.
    if (socket.destroyed || fromTrustedProxy(socket)) return;
    const address = socketAddress(socket);
    const n = (open.get(address) || 0) + 1;
    if (n > connectionsPerAddress) {
      socket.destroy();
      return;
    }
    open.set(address, n);
    socket.once('close', () => {
      const left = open.get(address) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
  // After the per-address cap: an address at its cap cannot push other clients out.
  server.on('connection', (socket) => {
    if (socket.destroyed) return;
    all.add(socket);
    socket.once('close', () => {
      all.delete(socket);
      busy.delete(socket);
    });
    if (all.size > maxOpen && !displaceFor(socket)) socket.destroy();
  });
  return server;
}

module.exports = { createHttpServer, openFilesLimit };
