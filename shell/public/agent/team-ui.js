// The team parts (team.js, a classic script): list tabs, presence switch, transfer and close.
import { state, http } from './state.js';
import { node } from './util.js';
import { wsSend } from './socket.js';
import { renderVisitors } from './visitors.js';

export const teamUi = window.KefuTeam
  ? window.KefuTeam.create({ http, wsSend, relist: renderVisitors, selected: () => state.selected, visitors: () => state.visitors, node })
  : null;
