'use strict';
// The agent calls a visitor back (agent frame `callback`, docs/PROTOCOL.md §5 "Call-backs").
//
// A call-back is an ordinary call record that starts ringing at the visitor instead of at the agents:
//   callback ─► ringing at the visitor (`ring`) ─► the visitor's 接听: callpeer with its call_id binds the
//   visitor's peer and rings the calling agent only ─► the console accepts by itself ─► active, as any call.
// 拒绝 (`decline`), the ring timeout, the agent's cancel or either side leaving end it like any ring,
// with one history line. Only the agent who placed it rings, accepts or cancels it.
const { err } = require('./errors');
const { newId } = require('./auth');

function createCallBack({ db, sockets, team, finish, ring, changed, armRing, limit }) {
  // callId -> { agentId, answered, visitorId, ring: the visitor's `ring` data, frame: the agent's `callback` }
  const placed = new Map();

  // An agent may call back the visitors of their own conversations and of their groups.
  function mayCall(agent, visitorId) {
    const conv = db.conversation(visitorId);
    if (conv && conv.assignee === agent.id) return true;
    return db.groupMembers(team.visitorGroup(visitorId)).includes(agent.id);
  }

  // In a call: answered by this agent and not over, or a call-back of theirs still ringing.
  const agentBusy = (agentId) => db.openCalls().some((c) => c.agent_id === agentId && c.state === 'active')
    || [...placed.values()].some((p) => p.agentId === agentId);

  function place(agent, data, ws) {
    if (typeof data.visitorId !== 'string') throw err('bad_request', 'visitorId is required');
    if (data.video !== undefined && typeof data.video !== 'boolean') throw err('bad_request', 'video must be a boolean');
    const visitor = db.visitorById(data.visitorId);
    if (!visitor) throw err('not_found', 'Unknown visitor');
    if (!mayCall(agent, visitor.id)) throw err('forbidden', 'Only the assignee or a member of the visitor\'s group can call back');
    if (!sockets.isVisitorOnline(visitor.id)) throw err('offline', 'The visitor is not online');
    if (db.openCallForVisitor(visitor.id)) throw err('conflict', 'The visitor is busy: a call is ringing or running');
    if (agentBusy(agent.id)) throw err('conflict', 'You are busy: end your call first');
    if (!limit.hit(`agent:${agent.id}`)) throw err('rate_limited', 'Too many call requests');
    const video = data.video === true;
    const call = { id: newId('c_'), visitorId: visitor.id, video: video ? 1 : 0, visitorPeerId: null, created: Date.now() };
    db.insertCall(call);
    const ringData = { callId: call.id, video, name: agent.name };
    const frame = { visitorId: visitor.id, callId: call.id, video, state: 'ringing' };
    placed.set(call.id, { agentId: agent.id, answered: false, visitorId: visitor.id, ring: ringData, frame });
    armRing(call.id);
    sockets.toVisitor(visitor.id, 'ring', ringData);
    if (ws) sockets.send(ws, 'callback', frame);
    changed(call, 'ringing');
    return frame;
  }

  // The visitor's 接听: POST callpeer with the call-back's call_id and its peer_id.
  function answer(visitor, body, peerId) {
    const call = typeof body.call_id === 'string' ? db.callById(body.call_id) : null;
    const p = call ? placed.get(call.id) : null;
    if (!call || call.visitor_id !== visitor.id || !p) throw err('not_found', 'Unknown call_id');
    if (!peerId) throw err('bad_request', 'peer_id is required to answer a call');
    if (call.state !== 'ringing' || p.answered || !db.bindRingingPeer({ id: call.id, peerId })) {
      throw err('conflict', 'The call was already answered or has ended');
    }
    p.answered = true;
    sockets.toVisitor(visitor.id, 'ring_end', { callId: call.id, reason: 'answered' }); // other tabs stop ringing
    armRing(call.id); // the console's turn: it accepts by itself
    ring(db.callById(call.id), [p.agentId], visitor.name);
    changed(call, 'ringing');
    const out = { ok: true, callId: call.id };
    const standing = sockets.agentPeerIds(new Set([p.agentId]));
    if (standing.length === 1) out.peer = standing[0];
    return out;
  }

  function decline(visitor, body) {
    const call = typeof body.call_id === 'string' ? db.callById(body.call_id) : null;
    const p = call ? placed.get(call.id) : null;
    if (!call || call.visitor_id !== visitor.id) throw err('not_found', 'Unknown call_id');
    if (call.state === 'ended') return { ok: true, callId: call.id, outcome: call.outcome };
    if (!p || p.answered) throw err('conflict', 'Only a call-back still ringing can be declined');
    finish(call, 'rejected', 'declined', { visitorFrame: ['ring_end', { callId: call.id, reason: 'declined' }] });
    return { ok: true, callId: call.id, outcome: 'rejected' };
  }

  // What the visitor is told when a ringing call ends: a call-back not answered yet stops ringing.
  function ringEndFrame(call, reason) {
    const p = placed.get(call.id);
    return p && !p.answered ? ['ring_end', { callId: call.id, reason }] : null;
  }

  // An accept is the calling agent's, and only once the visitor has answered.
  function checkAccept(agent, call) {
    const p = placed.get(call.id);
    if (!p) return;
    if (p.agentId !== agent.id) throw err('forbidden', 'This is another agent\'s call-back');
    if (!p.answered) throw err('conflict', 'The visitor has not answered yet');
  }

  // The calling agent cancels a ringing call-back (reject or hang up). True when it was one.
  function cancel(agent, call) {
    const p = placed.get(call.id);
    if (!p || call.state !== 'ringing') return false;
    if (p.agentId !== agent.id) throw err('forbidden', 'This is another agent\'s call-back');
    finish(call, 'cancelled', 'cancelled', { visitorFrame: ringEndFrame(call, 'cancelled') || ['hangup', { reason: 'agent' }] });
    return true;
  }

  // The placed call-backs that `match` and whose call still rings (at the visitor, or answered, at the agent).
  function stillRinging(match) {
    const out = [];
    for (const [callId, p] of placed) {
      if (!match(p)) continue;
      const call = db.callById(callId);
      if (call && call.state === 'ringing') out.push({ call, p });
    }
    return out;
  }

  // The calling agent's last socket is gone (after the grace): their ringing call-backs end.
  function agentLeft(agentId) {
    for (const { call } of stillRinging((p) => p.agentId === agentId)) {
      finish(call, 'cancelled', 'agent_left', { visitorFrame: ringEndFrame(call, 'agent_left') || ['hangup', { reason: 'agent_left' }] });
    }
  }

  // The `ring` of a call-back still ringing at this visitor, for a socket that joins during it (a reload,
  // the next page, a second tab): it rings there too. Null when there is none.
  function ringingAt(visitorId) {
    const [r] = stillRinging((p) => p.visitorId === visitorId && !p.answered);
    return r ? r.p.ring : null;
  }

  // The `callback` frames of this agent's call-backs still ringing unanswered, for a console socket that
  // joins during them (a reload within the grace): the console knows them again, and can cancel them.
  function placedBy(agentId) {
    return stillRinging((p) => p.agentId === agentId && !p.answered).map(({ p }) => p.frame);
  }

  return {
    place, answer, decline, ringEndFrame, checkAccept, cancel, agentLeft, ringingAt, placedBy,
    ended: (callId) => placed.delete(callId),
    answeredBy: (callId) => {
      const p = placed.get(callId);
      return p && p.answered ? p.agentId : null;
    },
    close: () => placed.clear(),
  };
}

module.exports = { createCallBack };
