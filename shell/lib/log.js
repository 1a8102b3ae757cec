'use strict';
// Minimal console logger; `quiet` keeps everything but errors out of the output.

function createLog(quiet) {
  const stamp = () => new Date().toISOString().slice(11, 23);
  const noop = () => {};
  return {
    info: quiet ? noop : (...a) => console.log(stamp(), ...a),
    warn: quiet ? noop : (...a) => console.warn(stamp(), 'warning:', ...a),
    error: (...a) => console.error(stamp(), 'error:', ...a),
  };
}

module.exports = { createLog };
