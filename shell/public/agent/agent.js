// 客服工作台 Agent console, the entry module: it loads the console's modules and wires the agent
// socket's frames to them. Plain DOM, CSP-clean (no inline code), no bundler: the browser loads each
// module itself. Every chat text reaches the page through textContent.
//
// Where things are (shell/README.md "Console code"):
//   util.js helpers · dom.js elements · state.js state, test hook, API client, event bus · frames.js
//   socket.js the agent socket · session.js sign-in · visitors.js the list · conversation.js and
//   chat-view.js conversations · reply.js the reply box · shift-ui.js / shift.js shift tools · team-ui.js
//   calls.js, call-card.js, call-state.js, local-media.js, standing-peer.js, offers.js, call-switch.js calls
//
// A feature module (call quality, an admin page, …) is a file of its own imported below under
// "Feature modules": it takes frames with onFrame() (frames.js), listens to the console's events with
// on() (state.js: enter, leave, select, media, call-end), and touches the core only through exports.
import { el } from './dom.js';
import { state } from './state.js';
import { onFrame } from './frames.js';
import { setConn, startPing, wsSend, onPong } from './socket.js';
import { boot } from './session.js';
import { onVisitor, onVisitorRemoved, renderVisitors } from './visitors.js';
import { onMessage, onAck, onError, onRead, markRead, catchUp } from './conversation.js';
import { renderChat } from './chat-view.js';
import { onTyping } from './reply.js';
import { teamUi } from './team-ui.js';
import { shift } from './shift-ui.js';
import { cs } from './call-state.js';
import { renderCallCard } from './call-card.js';
import { onRing, onCallEnd, onCallPeer, syncRings, endCall, confirmAccept, onCallError } from './calls.js';
import { standing } from './standing-peer.js';

// Feature modules: each registers itself when loaded.
import './console-admin.js'; // the admin page link, 留言 marks in the list
import './keys.js'; // keyboard shortcuts and their help
import './visitor-panel.js'; // who the visitor is, the page they are on
import './quality.js'; // call quality and the visitor's mute on the call card
import './asking.js'; // the visitor still being asked for the microphone, on the call card
import './callback.js'; // 回拨: the agent calls the visitor back

function onHello(data) {
  state.retry = 0;
  setConn('online');
  startPing();
  state.agent = data.agent || state.agent;
  el.agentName.textContent = state.agent ? state.agent.name : '';
  if (teamUi) teamUi.hello(data);
  state.visitors.clear();
  for (const v of data.visitors || []) state.visitors.set(v.id, v);
  renderVisitors();
  // Catch up conversations that were open, resend replies that were not acknowledged.
  for (const [id, conv] of state.convs) {
    if (conv.loaded) catchUp(id);
    for (const m of conv.pending.values()) if (!m.failed) wsSend('message', { visitorId: id, id: m.id, text: m.text });
  }
  // The server forgot this socket's standing peer id with the old socket.
  if (standing.id) wsSend('peer', { peerId: standing.id });
  // Calls still ringing (or ours, still running).
  const calls = data.calls || [];
  syncRings(calls);
  const mine = cs.active && calls.find((c) => c.callId === cs.active.callId);
  if (cs.active && !mine) endCall('ended', false);
  else if (mine && mine.state === 'active' && cs.active.accepted) cs.active.confirmed = true;
  renderCallCard();
  if (state.selected) {
    renderChat();
    markRead();
  }
}

onFrame('hello', onHello);
onFrame('visitor', onVisitor);
onFrame('visitor_removed', onVisitorRemoved);
onFrame('message', onMessage);
onFrame('ack', onAck);
onFrame('typing', onTyping);
onFrame('read', onRead);
onFrame('error', (e) => onError(e) || onCallError(e));
onFrame('call', onRing);
onFrame('call_end', onCallEnd);
onFrame('call_media', () => {}); // the kind of our own call follows its media connection
onFrame('call_peer', onCallPeer);
onFrame('pong', () => {
  onPong();
  confirmAccept();
});
onFrame('note', (n) => shift.note(n));
for (const t of ['team', 'presence', 'agent_presence', 'assigned']) onFrame(t, (d) => teamUi && teamUi.onFrame(t, d));

boot();
