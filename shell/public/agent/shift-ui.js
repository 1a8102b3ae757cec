// The shift tools (shift.js: notifications, sound, drafts, notes, search, canned replies, grouping),
// given the console's state through one small interface.
import { state, hook, http } from './state.js';
import { node, fmtTime } from './util.js';
import { createShift } from './shift.js';
import { select } from './conversation.js';
import { renderVisitors } from './visitors.js';

export const shift = createShift({
  hook, http, node, fmtTime, select,
  selected: () => state.selected,
  visitor: (id) => state.visitors.get(id),
  agent: () => state.agent,
  addVisitor: (v) => {
    if (v && v.id) state.visitors.set(v.id, v);
    renderVisitors();
  },
});
