'use strict';
// Coalesces "typing" indicators before they are relayed (docs/PROTOCOL.md §4). Per key (a visitor's
// conversation) only changes of the on/off state go out, at most one per `intervalMs`, the last state
// winning; an "on" that is repeated is passed on again at most every `refreshMs`, so receivers that let
// an indicator expire on their own keep it while the sender types. An "on" not repeated within
// `quietMs` turns into "off". A flood of frames from one client thus costs its receivers a few frames
// per second at most.

function createTypingGate({ intervalMs, quietMs, refreshMs = 2500, emit }) {
  const entries = new Map(); // key -> { shown, wanted, at, cooldown, quiet }

  function relay(key, e) {
    e.shown = e.wanted;
    e.at = Date.now();
    emit(key, e.shown);
    // Nothing else goes out for this key until the cooldown ends; then the state it ends with counts.
    e.cooldown = setTimeout(() => {
      e.cooldown = null;
      if (e.wanted !== e.shown) relay(key, e);
      else if (!e.shown && !e.quiet) entries.delete(key);
    }, intervalMs);
    e.cooldown.unref();
  }

  function set(key, on) {
    let e = entries.get(key);
    if (!e) {
      if (!on) return; // nothing shown, nothing to turn off
      e = { shown: false, wanted: false, at: 0, cooldown: null, quiet: null };
      entries.set(key, e);
    }
    clearTimeout(e.quiet);
    e.quiet = null;
    if (on) {
      e.quiet = setTimeout(() => {
        e.quiet = null;
        set(key, false);
      }, quietMs);
      e.quiet.unref();
    }
    e.wanted = on;
    if (e.cooldown) return;
    if (e.shown !== on || (on && Date.now() - e.at >= refreshMs)) relay(key, e);
    else if (!on) entries.delete(key);
  }

  return {
    set,
    isOn: (key) => !!(entries.get(key) && entries.get(key).shown),
    size: () => entries.size,
    close() {
      for (const e of entries.values()) {
        clearTimeout(e.cooldown);
        clearTimeout(e.quiet);
      }
      entries.clear();
    },
  };
}

module.exports = { createTypingGate };
