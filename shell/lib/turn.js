'use strict';
// TURN credentials for calls, in the TURN REST API scheme coturn knows as `use-auth-secret`: the
// username is `<expiry unix time>:<identity>`, the password base64(HMAC-SHA1(shared secret, username)).
// Only authenticated visitors and agents get them, freshly minted for each request, so no TURN password
// is ever in a page or in /api/config. Static credentials configured in `iceServers` are handed out the
// same way (and only that way).
const crypto = require('crypto');
const express = require('express');
const { err } = require('./errors');
const { createRateLimit } = require('./rate-limit');

const hasCredential = (s) => s && typeof s === 'object' && (s.username !== undefined || s.credential !== undefined);

// The entries of `iceServers` anyone may read (STUN, or TURN without credentials).
function publicIceServers(iceServers) {
  return (iceServers || []).filter((s) => !hasCredential(s));
}

// `identity` goes into the username after the expiry; coturn splits on the first ':'.
function safeIdentity(identity) {
  return String(identity).replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100) || 'anonymous';
}

function mintCredential(secret, identity, ttlSeconds, nowMs = Date.now()) {
  const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiry}:${safeIdentity(identity)}`;
  const credential = crypto.createHmac('sha1', String(secret)).update(username).digest('base64');
  return { username, credential, expires: expiry * 1000 };
}

function hostForUrl(hostname) {
  const h = String(hostname || '127.0.0.1');
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

// The TURN urls to announce: the configured ones, else (for the coturn this process runs) the host the
// visitor reached the backend at, on the TURN port, over UDP and TCP.
function turnUrls(turn, req, localPort) {
  if (turn.urls && turn.urls.length) return turn.urls;
  if (!localPort) return [];
  const h = hostForUrl(turn.publicHost || req.hostname);
  return [`turn:${h}:${localPort}?transport=udp`, `turn:${h}:${localPort}?transport=tcp`];
}

// `local`: the coturn started by this process ({port, secret}), or null.
function createTurn({ auth, config, local = () => null }) {
  const turn = config.turn || {};
  const ttl = turn.ttlSeconds;
  const limit = createRateLimit({ max: turn.requestsPerMinute || 30, windowMs: 60000 });
  const secret = () => (local() ? local().secret : turn.secret);
  const withSecret = () => !!secret() && (turn.urls.length > 0 || !!local());

  // True when the endpoints below have anything /api/config leaves out.
  const available = () => withSecret() || (config.iceServers || []).some(hasCredential);

  function iceServersFor(req, identity) {
    if (!limit.hit(identity)) throw err('rate_limited', 'Too many ICE server requests, try again in a minute');
    const now = Date.now();
    const iceServers = [...(config.iceServers || [])];
    let expires = now + ttl * 1000;
    const urls = withSecret() ? turnUrls(turn, req, local() && local().port) : [];
    if (urls.length) {
      const c = mintCredential(secret(), identity, ttl, now);
      iceServers.push({ urls, username: c.username, credential: c.credential });
      expires = c.expires;
    }
    return { iceServers, expires };
  }

  const router = express.Router();
  // Set before the token check, so a refusal reaches the page too (the preflight is the API router's).
  const headers = (req, res, next) => {
    res.set('Access-Control-Allow-Origin', '*');
    res.set('Cache-Control', 'no-store');
    next();
  };
  const paths = ['/api/ice-servers', '/api/agent/ice-servers'];
  router.options(paths, (req, res, next) => next('router')); // express would answer it without CORS
  router.post('/api/ice-servers', headers, auth.requireVisitor, (req, res) => {
    res.json(iceServersFor(req, req.visitor.id));
  });
  // The agent side serves the same-origin console only: no CORS headers, like every agent endpoint.
  const agentHeaders = (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  };
  router.post('/api/agent/ice-servers', agentHeaders, auth.requireAgent, (req, res) => {
    res.json(iceServersFor(req, `agent-${req.agent.id}`));
  });

  return { router, available, sweep: () => limit.sweep() };
}

module.exports = { createTurn, mintCredential, publicIceServers, turnUrls };
