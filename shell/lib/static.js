'use strict';
// Pages and files: security headers, the demo host pages, the agent console, the widget build
// (web/dist, served at the root) and the stock peerjs client for the console.
const fs = require('fs');
const path = require('path');
const express = require('express');
const compression = require('compression');

// A strict policy for our own pages. A PeerJS server configured on another origin is added to
// connect-src: stock peerjs (the agent console) fetches its id over HTTP there.
function contentSecurityPolicy(peer) {
  const connect = ["'self'", 'ws:', 'wss:'];
  if (peer && peer.host) connect.push(`${peer.secure ? 'https' : 'http'}://${peer.host}:${peer.port}`);
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
  const csp = contentSecurityPolicy(peer);
  return (req, res, next) => {
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

function widgetFiles(distDir) {
  const serve = express.static(distDir, {
    index: false,
    fallthrough: true,
    setHeaders(res, file) {
      if (file.endsWith('.wasm')) res.setHeader('Content-Type', 'application/wasm');
      // The widget is embedded by other sites: its files may be fetched cross-origin.
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      res.setHeader('Cache-Control', 'no-cache');
    },
  });
  const missing = (req, res, next) => {
    if (!WIDGET_FILES.test(req.path)) return next();
    const built = fs.existsSync(distDir);
    res.status(404).type('text/plain').send(built
      ? `${req.path} is not part of the widget build in ${distDir}.\n`
      : `The widget is not built: ${distDir} does not exist.\nBuild the widget into web/dist (see the README), then reload.\n`);
  };
  return [serve, missing];
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

module.exports = { contentSecurityPolicy, securityHeaders, compress, widgetFiles, vendorFiles, pages, notFound };
