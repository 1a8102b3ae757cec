'use strict';
// "The client's address" for every per-address limit and cap: the TCP peer of the request's socket,
// or, when that peer is a proxy named in the trustProxy setting, the client it forwards for
// (trust-proxy.js; X-Forwarded-For from anyone else is ignored). IPv6 addresses count per /64, the
// block one subscriber gets, so hopping through the addresses of one's own block buys nothing.
const { forwardedClient, fromTrustedProxy } = require('./trust-proxy');

function normalize(address) {
  const a = String(address || '').toLowerCase();
  if (!a) return 'unknown';
  if (a.startsWith('::ffff:') && a.includes('.')) return a.slice(7); // IPv4-mapped
  return a;
}

function ipv6Block(address) {
  const bare = address.split('%')[0];
  let groups;
  if (bare.includes('::')) {
    const [head, tail] = bare.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    groups = [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  } else {
    groups = bare.split(':');
  }
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

// The key that limits count under: the IPv4 address, or the IPv6 /64.
function addressKey(address) {
  const a = normalize(address);
  return a.includes(':') ? ipv6Block(a) : a;
}

const socketAddress = (socket) => addressKey(socket && socket.remoteAddress);
const clientAddress = (req) => {
  const forwarded = forwardedClient(req);
  return forwarded ? addressKey(forwarded) : socketAddress(req && req.socket);
};

// Connection-level caps cannot see the client behind a trusted proxy: they skip these sockets.
module.exports = { clientAddress, socketAddress, addressKey, fromTrustedProxy };
