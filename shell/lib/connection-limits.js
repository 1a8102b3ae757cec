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

function createHttpServer(app, { headersTimeoutMs, requestTimeoutMs, idleTimeoutMs, connectionsPerAddress }) {
  const server = http.createServer({
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    // How often the two timeouts above are checked (Node's default, 30 s, would let them run late).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, headersTimeoutMs / 2)),
    keepAliveTimeout: 5000,
  }, app);
  server.timeout = idleTimeoutMs; // a connection that moves no byte for this long is closed
  const fds = openFilesLimit();
  if (fds) server.maxConnections = Math.max(16, fds - RESERVED_FDS);

  // Node's headersTimeout only starts with a connection's first byte: a connection that never sends
  // one would be held until the idle timeout. Its first request head must arrive as fast.
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
    if (fromTrustedProxy(socket)) return;
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
  return server;
}

module.exports = { createHttpServer, openFilesLimit };
