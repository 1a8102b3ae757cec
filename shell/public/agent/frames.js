// Which module takes which frame of the agent socket. A leaf module (no imports), so any module may
// register at load time, whatever order the modules load in.
const handlers = new Map(); // frame type -> [fn]

// A module takes the frames of one type; several modules may take the same type, in the order they
// registered (agent.js registers the core ones first).
export function onFrame(type, fn) {
  if (!handlers.has(type)) handlers.set(type, []);
  handlers.get(type).push(fn);
}

export function dispatch(type, data) {
  const fns = handlers.get(type);
  if (!fns) return console.warn('unknown frame type', type);
  for (const fn of fns) {
    try {
      fn(data);
    } catch (err) {
      console.error('frame handling failed', type, err);
    }
  }
  return undefined;
}
