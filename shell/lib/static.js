'use strict';
// Pages and files: security headers, the demo host pages, the agent console, the widget build
// (web/dist, served at the root) and the stock peerjs client for the console.
const fs = require('fs');
const path = require('path');
const express = require('express');
const zlib = require('zlib');
const compression = require('compression');

// A Host header fit to be named in a policy (anything else is left out, never echoed).
const HOST_HEADER = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;
const LOOPBACK_HOST = /^(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])(?::\d{1,5})?$/i;
const isLoopbackHost = (host) => LOOPBACK_HOST.test(String(host || ''));

// A strict policy for our own pages. Sockets and fetches may reach exactly this server (its own host,
// ws: and wss:) and the PeerJS server the settings name, nothing else: a page of this origin, such as
// try.html with ?peerHost=…, cannot be pointed at somebody else's server. On a loopback address (a
// developer's machine) other local PeerJS servers are allowed too.
function contentSecurityPolicy(peer, requestHost) {
  const connect = ["'self'"];
  const host = HOST_HEADER.test(String(requestHost || '')) ? requestHost : null;
  // An IPv6 literal cannot be a CSP host source; 'self' covers ws: and wss: of the page's own host anyway.
  if (host && !host.startsWith('[')) connect.push(`ws://${host}`, `wss://${host}`);
  if (peer && peer.host && HOST_HEADER.test(peer.host)) {
    const port = peer.port || (host && /:(\d+)$/.test(host) ? host.split(':').pop() : null);
    const where = `${peer.host}${port ? `:${port}` : ''}`;
    const secure = peer.secure === null || peer.secure === undefined ? [false, true] : [!!peer.secure];
    for (const tls of secure) connect.push(`${tls ? 'https' : 'http'}://${where}`, `${tls ? 'wss' : 'ws'}://${where}`);
  }
  if (isLoopbackHost(host)) {
    // No [::1]: CSP host sources cannot name IPv6 literals (Chromium rejects the whole source).
    for (const h of ['127.0.0.1', 'localhost']) connect.push(`http://${h}:*`, `ws://${h}:*`);
  }
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
}

const WIDGET_FILES = /^\/kefu[\w.-]*\.(js|wasm|css|map|data)$/;
const COMPRESSIBLE = /^(text\/|application\/(javascript|json|wasm|manifest\+json)|image\/svg\+xml)/;

function securityHeaders(peer) {
  const policies = new Map(); // Host header -> policy (few distinct hosts reach one server)
  return (req, res, next) => {
    const host = String(req.headers.host || '');
    let csp = policies.get(host);
    if (!csp) {
      csp = contentSecurityPolicy(peer, host);
      if (policies.size < 100) policies.set(host, csp);
    }
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Content-Security-Policy', csp);
    res.set('Referrer-Policy', 'same-origin');
    res.set('X-Frame-Options', 'SAMEORIGIN');
    next();
  };
}

const compress = compression({
  threshold: 1024,
  filter: (req, res) => COMPRESSIBLE.test(String(res.getHeader('Content-Type') || '')),
});

const APP_FILES = /^\/kefu[\w.-]*\.(js|wasm)$/;
const widgetHeaders = (res) => {
  // The widget is embedded by other sites: its files may be fetched cross-origin.
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  res.setHeader('Cache-Control', 'no-cache');
};

// The app's script and wasm are what a visitor's first click waits for: compressed once per build (kept
// while the file's size and time stay the same), not on every request, which cost the wasm 20-60 ms per
// fetch. gzip at once; brotli (smaller, ~2 s to make) in the background, served once it is there.
function precompressed(distDir) {
  const cache = new Map(); // file -> { key, gz, br }
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !APP_FILES.test(req.path)) return next();
    const accepts = String(req.headers['accept-encoding'] || '');
    if (!/\bgzip\b/.test(accepts)) return next();
    const file = path.join(distDir, req.path.slice(1));
    let st, c;
    try {
      st = fs.statSync(file);
      if (!st.isFile()) return next();
      const key = `${st.size}-${Math.floor(st.mtimeMs)}`;
      c = cache.get(file);
      if (!c || c.key !== key) {
        const raw = fs.readFileSync(file), entry = { key, gz: zlib.gzipSync(raw, { level: 9 }), br: null };
        cache.set(file, (c = entry));
        zlib.brotliCompress(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }, (e, br) => {
          if (!e) entry.br = br;
        });
      }
    } catch (e) {
      return next(); // gone or unreadable: express.static and the 404 below answer
    }
    widgetHeaders(res);
    res.setHeader('Content-Type', file.endsWith('.wasm') ? 'application/wasm' : 'application/javascript; charset=UTF-8');
    res.setHeader('ETag', `W/"${c.key}"`);
    res.setHeader('Last-Modified', st.mtime.toUTCString());
    res.setHeader('Vary', 'Accept-Encoding');
    if (req.fresh) return res.status(304).end();
    const br = c.br && /\bbr\b/.test(accepts), body = br ? c.br : c.gz;
    res.setHeader('Content-Encoding', br ? 'br' : 'gzip');
    res.setHeader('Content-Length', body.length);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

function widgetFiles(distDir) {
  const serve = express.static(distDir, {
    index: false,
    fallthrough: true,
    setHeaders(res, file) {
      if (file.endsWith('.wasm')) res.setHeader('Content-Type', 'application/wasm');
      widgetHeaders(res);
    },
  });
  const missing = (req, res, next) => {
    if (!WIDGET_FILES.test(req.path)) return next();
    // The server's own folders stay out of the answer (the log at start names them).
    const built = fs.existsSync(distDir);
    res.status(404).type('text/plain').send(built
      ? 'This file is not part of the widget build.\n'
      : 'The widget is not built yet.\nBuild the widget (see the README), then reload.\n');
  };
  return [precompressed(distDir), serve, missing];
}

function vendorFiles() {
  const dir = path.join(path.dirname(require.resolve('peerjs/package.json')), 'dist');
  const router = express.Router();
  for (const name of ['peerjs.min.js', 'peerjs.min.js.map']) {
    router.get(`/vendor/${name}`, (req, res, next) => {
      res.set('Cache-Control', 'public, max-age=3600');
      res.sendFile(path.join(dir, name), (e) => e && next());
    });
  }
  return router;
}

function pages(publicDir) {
  return express.static(publicDir, {
    index: 'index.html',
    redirect: true,
    setHeaders(res) {
      res.setHeader('Cache-Control', 'no-cache');
    },
  });
}

function notFound(req, res) {
  res.status(404).type('text/plain').send('Not found\n');
}

module.exports = { isLoopbackHost, contentSecurityPolicy, securityHeaders, compress, widgetFiles, vendorFiles, pages, notFound };
