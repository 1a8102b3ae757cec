'use strict';
// Sliding-window counters: at most `max` hits per key within `windowMs`.

function createRateLimit({ max, windowMs }) {
  const hits = new Map(); // key -> array of hit times, oldest first

  function prune(key, now) {
    const list = hits.get(key);
    if (!list) return [];
    while (list.length && now - list[0] >= windowMs) list.shift();
    if (!list.length) hits.delete(key);
    return list;
  }

  return {
    // Counts a hit and returns true, or returns false when the key is over its budget.
    hit(key, now = Date.now()) {
      const list = prune(key, now);
      if (list.length >= max) return false;
      if (!hits.has(key)) hits.set(key, list);
      list.push(now);
      return true;
    },
    // Drops stale keys so the map stays small on a long-running server.
    sweep(now = Date.now()) {
      for (const key of [...hits.keys()]) prune(key, now);
    },
    reset: (key) => hits.delete(key),
  };
}

module.exports = { createRateLimit };
