'use strict';
// "The client's address" for every per-address limit and cap: the TCP peer of the request's socket.
// Headers such as X-Forwarded-For are not read (anyone can send them); trusting a reverse proxy's
// header is a separate setting for later. IPv6 addresses count per /64, the block one subscriber gets,
// so hopping through the addresses of one's own block buys nothing.

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
const clientAddress = (req) => socketAddress(req && req.socket);

module.exports = { clientAddress, socketAddress, addressKey };
