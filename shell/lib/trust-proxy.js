'use strict';
// Behind a reverse proxy the socket's peer is the proxy, not the visitor. The `trustProxy` setting
// names the proxies (addresses, CIDR blocks, `loopback`, `private`) whose X-Forwarded-For, -Proto,
// -Host and -Port headers are believed; from anyone else those headers are ignored, since anyone can
// send them. client-address.js asks here for the real client; /api/config asks for the public origin.
const net = require('net');

const KEYWORDS = {
  loopback: [['127.0.0.0', 8], ['::1', 128]],
  private: [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['fc00::', 7]],
  linklocal: [['169.254.0.0', 16], ['fe80::', 10]],
};
const NONE = /^(|none|false|off|no)$/i;
const MAX_HOPS = 32; // a longer X-Forwarded-For is walked this far only

// A literal IP without brackets, port or zone, or null. IPv4-mapped IPv6 becomes plain IPv4.
function bareIp(text) {
  let a = String(text).trim();
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracket) a = bracket[1];
  else if (/^[\d.]+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  a = a.toLowerCase();
  if (a.startsWith('::ffff:') && net.isIPv4(a.slice(7))) a = a.slice(7);
  return net.isIP(a) ? a : null;
}

// Parses the setting: an array or a comma-separated string; false, '' or 'none' trust nobody.
// Throws with the offending entry, so a typo stops the server instead of trusting the wrong hosts.
function parseTrustProxy(spec) {
  if (spec === undefined || spec === null || spec === false) spec = [];
  if (typeof spec === 'string') spec = NONE.test(spec.trim()) ? [] : spec.split(',');
  if (!Array.isArray(spec)) {
    throw new Error(`trustProxy must name the proxies to trust (addresses, CIDRs, "loopback"), not ${JSON.stringify(spec)}`);
  }
  const list = new net.BlockList();
  const names = [];
  for (const raw of spec) {
    const entry = typeof raw === 'string' ? raw.trim() : '';
    if (!entry) throw new Error(`trustProxy: ${JSON.stringify(raw)} is not an address, CIDR or keyword`);
    names.push(entry);
    const keyword = KEYWORDS[entry.toLowerCase()];
    if (keyword) {
      for (const [a, bits] of keyword) list.addSubnet(a, bits, net.isIPv6(a) ? 'ipv6' : 'ipv4');
      continue;
    }
    const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(entry);
    const ip = m && bareIp(m[1]);
    const family = ip && (net.isIPv6(ip) ? 'ipv6' : 'ipv4');
    const bits = m && m[2] !== undefined ? Number(m[2]) : family === 'ipv6' ? 128 : 32;
    if (!ip || bits > (family === 'ipv6' ? 128 : 32)) {
      throw new Error(`trustProxy: ${JSON.stringify(entry)} is not an address, CIDR or keyword (loopback, private, linklocal)`);
    }
    list.addSubnet(ip, bits, family);
  }
  const test = (address) => {
    const ip = address ? bareIp(address) : null;
    return !!ip && list.check(ip, net.isIPv6(ip) ? 'ipv6' : 'ipv4');
  };
  return { test, names, none: names.length === 0 };
}

const TRUST = Symbol('kefu.trustProxy');
const FORWARDED = Symbol('kefu.forwarded');

// Marks every connection of `server` with the trust list, before any other connection listener runs,
// so HTTP requests and WebSocket upgrades alike can be resolved from the socket.
function installTrust(server, trust) {
  server.prependListener('connection', (socket) => {
    socket[TRUST] = trust;
  });
}

function trustOf(socket) {
  return (socket && socket[TRUST]) || null;
}

// True when the socket's peer is one of the trusted proxies (its requests carry other clients).
function fromTrustedProxy(socket) {
  const trust = trustOf(socket);
  return !!trust && trust.test(socket.remoteAddress);
}

const firstValue = (header) => String(header === undefined ? '' : header).split(',')[0].trim();
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9](?:[a-z0-9-]{0,62}))*\.?)(?::(\d{1,5}))?$/i;

function splitHost(text) {
  const m = HOST.exec(text || '');
  if (!m || m[1].length > 255) return null;
  if (m[1].startsWith('[') && !net.isIPv6(m[1].slice(1, -1))) return null;
  const port = m[2] === undefined ? null : Number(m[2]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  return { name: m[1].toLowerCase(), port };
}

// Resolves (once per request) what the trusted proxies said: the client address, walked from the
// right of X-Forwarded-For past every trusted hop, and the validated -Proto, -Host and -Port.
function forwarded(req) {
  if (req[FORWARDED]) return req[FORWARDED];
  const socket = req.socket;
  const out = { client: null, proto: null, host: null, port: null };
  if (fromTrustedProxy(socket)) {
    const trust = trustOf(socket);
    let client = bareIp(socket.remoteAddress);
    const hops = String(req.headers['x-forwarded-for'] || '').split(',').reverse().slice(0, MAX_HOPS);
    for (const hop of hops) {
      if (!trust.test(client)) break;
      const ip = bareIp(hop);
      if (!ip) break; // garbage: the last good address stands
      client = ip;
    }
    out.client = client;
    const proto = firstValue(req.headers['x-forwarded-proto']).toLowerCase();
    if (proto === 'https' || proto === 'http') out.proto = proto;
    out.host = splitHost(firstValue(req.headers['x-forwarded-host']));
    const port = firstValue(req.headers['x-forwarded-port']);
    if (/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535) out.port = Number(port);
  }
  req[FORWARDED] = out;
  return out;
}

// The real client's address: the socket's peer, or what the trusted proxies in front of it say.
function forwardedClient(req) {
  return (req && req.socket && forwarded(req).client) || null;
}

const LOOPBACK = parseTrustProxy('loopback');
// True when the real client (behind any trusted proxies) is on this machine.
function fromLoopbackClient(req) {
  return LOOPBACK.test(forwardedClient(req) || (req && req.socket && req.socket.remoteAddress));
}

// Scheme, host and port as the visitor's browser sees this server (what it must connect to).
// With X-Forwarded-Host its port wins, then X-Forwarded-Port, then the scheme's default; without it
// X-Forwarded-Port, then the Host header's port, then the default (or the listening port without Host).
function publicOrigin(req, listenPort) {
  const f = forwarded(req);
  const secure = f.proto ? f.proto === 'https' : !!req.socket.encrypted;
  const ownHost = f.host ? null : splitHost(req.headers.host);
  const shown = f.host || ownHost;
  const port = (f.host && f.host.port) || f.port || (ownHost && ownHost.port) || (shown ? (secure ? 443 : 80) : listenPort());
  return { secure, host: shown ? shown.name : '127.0.0.1', port };
}

module.exports = { parseTrustProxy, installTrust, fromTrustedProxy, forwardedClient, fromLoopbackClient, publicOrigin, bareIp };
