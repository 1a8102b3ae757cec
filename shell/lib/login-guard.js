'use strict';
// Password guessing limits for POST /api/agent/login, per client address and per account.
// - Per address: at most `perAddress` failed logins per minute (any account).
// - Per account: the first `freeFailures` failures within `windowMs` cost nothing. After that, an
//   address that has itself failed on the account must wait 1 s, 2 s, 4 s … (at most `maxDelayMs`)
//   after the account's latest failure. An address that has not failed on the account is not held:
//   the real agent signs in at once while someone else is guessing, and each address an attacker
//   brings buys it one guess per window before it is held too.
// Unknown user names are counted like real ones, so the answers do not tell which accounts exist.

function createLoginGuard({ perAddress = 10, freeFailures = 5, windowMs = 15 * 60000, maxDelayMs = 30000 } = {}) {
  const byAddress = new Map(); // address -> [failure times]
  const byAccount = new Map(); // account -> { times: [failure times], last, addresses: Map(address -> time) }

  const accountKey = (username) => String(username).toLowerCase().slice(0, 200);

  function recent(list, now, span) {
    while (list.length && now - list[0] >= span) list.shift();
    return list;
  }

  function account(key, now) {
    const a = byAccount.get(key);
    if (!a) return null;
    recent(a.times, now, windowMs);
    for (const [addr, t] of a.addresses) if (now - t >= windowMs) a.addresses.delete(addr);
    if (!a.times.length && !a.addresses.size) {
      byAccount.delete(key);
      return null;
    }
    return a;
  }

  // null when the attempt may go ahead, else the milliseconds to wait.
  function check(username, address, now = Date.now()) {
    const fails = recent(byAddress.get(address) || [], now, 60000);
    if (fails.length >= perAddress) return fails[0] + 60000 - now;
    const a = account(accountKey(username), now);
    if (!a || a.times.length < freeFailures || !a.addresses.has(address)) return null;
    const delay = Math.min(maxDelayMs, 1000 * 2 ** (a.times.length - freeFailures));
    const wait = a.last + delay - now;
    return wait > 0 ? wait : null;
  }

  function fail(username, address, now = Date.now()) {
    if (!byAddress.has(address)) byAddress.set(address, []);
    byAddress.get(address).push(now);
    const key = accountKey(username);
    let a = account(key, now);
    if (!a) byAccount.set(key, (a = { times: [], last: 0, addresses: new Map() }));
    a.times.push(now);
    a.last = now;
    a.addresses.set(address, now);
  }

  // A correct password clears that address's record; the account's count stays, so signing in does
  // not hand an attacker a fresh set of free guesses.
  function succeed(username, address) {
    byAddress.delete(address);
    const a = byAccount.get(accountKey(username));
    if (a) a.addresses.delete(address);
  }

  function sweep(now = Date.now()) {
    for (const [addr, list] of byAddress) if (!recent(list, now, 60000).length) byAddress.delete(addr);
    for (const key of [...byAccount.keys()]) account(key, now);
  }

  return { check, fail, succeed, sweep };
}

module.exports = { createLoginGuard };
