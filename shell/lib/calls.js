'use strict';
// Call control (POST /2/callKefu and the agent's accept/reject/hangup/switch_decline frames).
// States: ringing -> active -> ended, or ringing -> ended. Each call ends exactly once, and its end is
// recorded as one `system` message of kind `call` in the conversation.
const { err } = require('./errors');
const { newId } = require('./auth');
const { createRateLimit } = require('./rate-limit');
const { isPeerId } = require('./validate');
const { createCallBack } = require('./call-back');

const OUTCOMES = ['completed', 'missed', 'rejected', 'failed', 'cancelled'];
// Why a visitor's widget took back a ring that went ahead of its devices (the console shows it).
const DEVICE_REASONS = ['permission-denied', 'no-microphone', 'no-camera', 'device-busy'];

function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const two = (n) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const mm = two(Math.floor((s % 3600) / 60));
  return h ? `${h}:${mm}:${two(s % 60)}` : `${mm}:${two(s % 60)}`;
}

function callText(outcome, video, duration) {
  switch (outcome) {
    case 'completed': return `${video ? '视频通话' : '语音通话'} ${clock(duration)}`;
    case 'missed': return '未接通';
    case 'rejected': return '已拒绝';
    case 'cancelled': return '已取消';
    default: return '通话失败';
  }
}

function createCalls({ db, sockets, conversation, config, log, peerCreds = null, team }) {
  // The PeerJS gate (peer-gate.js) follows the calls: frames held for a ring go once it exists.
  const changed = (call, state) => sockets.events.emit('call-state', { visitorId: call.visitor_id || call.visitorId, callId: call.id, state });
  const ringTimers = new Map(); // callId -> timeout
  const graceTimers = new Map(); // key -> timeout
  const callLimit = createRateLimit({ max: config.rate.calls, windowMs: 60000 });
  // Client address of each ringing call: throwaway rings from one address would bury an honest caller.
  const ringFrom = new Map(); // callId -> address key
  const ringingFrom = (address) => [...ringFrom.values()].filter((a) => a === address).length;
  // Agents each ringing call has rung so far: the assignee first, the rest of the group later.
  const rung = new Map(); // callId -> Set<agentId>
  const groupTimers = new Map(); // callId -> timeout
  // `first`: runs once the agents count as rung and before their ring frames go out. The first ring
  // flushes what the visitor's peer sent ahead (its offer, held by peer-gate.js) there: the console then
  // has the offer in hand when its ring comes and answers it at once, rather than after handling the ring.
  function ring(call, agentIds, name, first) {
    const set = rung.get(call.id) || new Set();
    rung.set(call.id, set);
    const frame = callFrame(call, name);
    const fresh = agentIds.filter((id) => !set.has(id));
    for (const id of fresh) set.add(id);
    if (first) first();
    for (const id of fresh) sockets.toAgent(id, 'call', frame);
  }
  function stopRinging(callId) {
    clearTimeout(groupTimers.get(callId));
    groupTimers.delete(callId);
    rung.delete(callId);
  }

  const callFrame = (call, name) => {
    const f = { visitorId: call.visitor_id, name, video: !!call.video, callId: call.id, state: call.state };
    if (call.visitor_peer_id) f.peerId = call.visitor_peer_id;
    if (mutedCalls.has(call.id)) f.muted = true;
    if (askingCalls.has(call.id)) f.asking = true;
    return f;
  };
  // Calls whose visitor turned its microphone off (action `mute`): kept in memory, like the call's peers,
  // and shown to the console. Each toggle is counted: a toggling script cannot flood the agents.
  const mutedCalls = new Set();
  const muteLimit = createRateLimit({ max: 60, windowMs: 60000 });
  // Calls rung while the visitor's browser asks for the microphone (callpeer `mic: "asking"`) until the
  // widget says it was allowed (action `mic`): the console shows that the visitor is still being asked.
  const askingCalls = new Set();
  const stopAsking = (call) => {
    if (askingCalls.delete(call.id)) sockets.toAgents('call_mic', { visitorId: call.visitor_id, callId: call.id, asking: false });
  };

  function guarded(fn) {
    try {
      fn();
    } catch (e) {
      log.error('call timer:', e && e.stack ? e.stack : e);
    }
  }

  function later(key, ms, fn) {
    clearTimeout(graceTimers.get(key));
    const t = setTimeout(() => {
      graceTimers.delete(key);
      guarded(fn);
    }, ms);
    t.unref();
    graceTimers.set(key, t);
  }
  function cancelLater(key) {
    clearTimeout(graceTimers.get(key));
    graceTimers.delete(key);
  }

  // Ends a call once: stores the outcome, tells both sides, records the history line.
  // `visitorFrame` is [type, data] for the visitor's sockets, or null.
  function finish(call, outcome, reason, { duration, visitorFrame = null } = {}) {
    const now = Date.now();
    let secs = 0;
    if (outcome === 'completed' || (call.answered && outcome === 'failed')) {
      const measured = call.answered ? (now - call.answered) / 1000 : 0;
      secs = Number.isFinite(duration) && duration >= 0 && duration <= measured + 5 ? duration : measured;
      secs = Math.round(secs);
    }
    if (!db.endCall({ id: call.id, outcome, reason, ended: now, duration: secs })) return false;
    ringFrom.delete(call.id);
    mutedCalls.delete(call.id);
    askingCalls.delete(call.id);
    muteLimit.reset(call.id);
    clearTimeout(ringTimers.get(call.id));
    ringTimers.delete(call.id);
    stopRinging(call.id);
    back.ended(call.id);
    sockets.toAgents('call_end', { visitorId: call.visitor_id, callId: call.id, reason });
    if (visitorFrame) sockets.toVisitor(call.visitor_id, visitorFrame[0], visitorFrame[1]);
    conversation.postSystemMessage(call.visitor_id, `call_${call.id}`, callText(outcome, !!call.video, secs), {
      kind: 'call',
      call: { video: !!call.video, duration: secs, outcome },
    });
    changed(call, 'ended');
    log.info(`call ${call.id} ${outcome} (${reason})`);
    return true;
  }

  function ringTimeout(callId) {
    const call = db.callById(callId);
    if (call && call.state === 'ringing') {
      finish(call, 'missed', 'timeout', { visitorFrame: back.ringEndFrame(call, 'timeout') || ['hangup', { reason: 'timeout' }] });
    }
  }
  function armRing(callId) {
    clearTimeout(ringTimers.get(callId));
    const t = setTimeout(() => guarded(() => ringTimeout(callId)), config.ringTimeoutMs);
    t.unref();
    ringTimers.set(callId, t);
  }
  const back = createCallBack({ db, sockets, team, finish, ring, changed, armRing, limit: callLimit });

  // ---- visitor side: POST /2/callKefu ----
  function callpeer(visitor, body, address) {
    if (body.kefu_id !== undefined && (typeof body.kefu_id !== 'string' || !team.knownKefu(body.kefu_id))) {
      throw err('not_found', 'Unknown kefu_id');
    }
    const video = body.video === true || body.video === 1 || body.video === 'true';
    let peerId = null;
    if (body.peer_id !== undefined && body.peer_id !== null && body.peer_id !== '') {
      if (!isPeerId(body.peer_id)) {
        throw err('bad_request', 'peer_id is not a valid PeerJS id');
      }
      peerId = body.peer_id;
      // On the mounted PeerJS server the call is bound to this peer: it must be one issued to this visitor.
      const owner = config.peer.auth === 'kefu' && peerCreds ? peerCreds.owner(peerId) : null;
      if (config.peer.auth === 'kefu' && peerCreds && (!owner || owner.visitorId !== visitor.id)) {
        throw err('forbidden', 'peer_id is not a PeerJS id issued to this visitor');
      }
    }
    if (body.mic !== undefined && body.mic !== 'asking') throw err('bad_request', 'mic must be "asking" when given');
    if (body.call_id !== undefined) {
      // 接听 of a call-back: its ring frame is built inside answer(), so it is marked asking first and
      // unmarked again if the answer is refused.
      const asking = body.mic === 'asking' && typeof body.call_id === 'string' && !askingCalls.has(body.call_id);
      if (asking) askingCalls.add(body.call_id);
      try {
        return back.answer(visitor, body, peerId);
      } catch (e) {
        if (asking) askingCalls.delete(body.call_id);
        throw e;
      }
    }
    if (db.openCallForVisitor(visitor.id)) throw err('conflict', 'A call is already ringing or running');
    const plan = team.ringPlan(visitor.id, body.kefu_id);
    if (!plan.first.length) throw err('offline', 'No agent of this group is available');
    if (ringingFrom(address) >= config.rate.ringsPerAddress) throw err('rate_limited', 'Too many calls ringing from this address');
    if (!callLimit.hit(visitor.id)) throw err('rate_limited', 'Too many call requests');
    const call = { id: newId('c_'), visitorId: visitor.id, video: video ? 1 : 0, visitorPeerId: peerId, created: Date.now() };
    db.insertCall(call);
    ringFrom.set(call.id, address);
    if (body.mic === 'asking') askingCalls.add(call.id);
    armRing(call.id);
    const stored = db.callById(call.id);
    ring(stored, plan.first, visitor.name, () => changed(call, 'ringing'));
    if (plan.rest.length) {
      // Later, whoever of the group is available then (the first ones are not rung twice).
      const g = setTimeout(() => guarded(() => {
        groupTimers.delete(call.id);
        const now = db.callById(call.id);
        if (!now || now.state !== 'ringing') return;
        const again = team.ringPlan(visitor.id, body.kefu_id);
        ring(now, [...again.first, ...again.rest], visitor.name);
      }), config.ringGroupDelayMs);
      g.unref();
      groupTimers.set(call.id, g);
    }
    log.info(`call ${call.id} ringing for ${visitor.id}${video ? ' (video)' : ''}`);
    const out = { ok: true, callId: call.id };
    // With exactly one console peer listening the visitor can send its offer while the console rings;
    // with several it cannot know which one will answer, so it waits for `accept`.
    const standing = sockets.agentPeerIds(rung.get(call.id) || new Set());
    if (standing.length === 1) out.peer = standing[0];
    return out;
  }

  function visitorCall(visitor, body) {
    const callId = body.call_id;
    let call = typeof callId === 'string' ? db.callById(callId) : null;
    if (callId === undefined) call = db.openCallForVisitor(visitor.id); // lenient: the open call
    if (!call || call.visitor_id !== visitor.id) throw err('not_found', 'Unknown call_id');
    return call;
  }

  // The visitor moved its running call to a new media connection of the other kind (voice <-> video).
  // Only the kind is recorded: the history line names the kind the call had at its end.
  function switchMedia(visitor, body) {
    if (typeof body.video !== 'boolean') throw err('bad_request', 'video must be a boolean');
    const call = visitorCall(visitor, body);
    if (call.state !== 'active' || !db.setCallVideo({ id: call.id, video: body.video ? 1 : 0 })) {
      throw err('conflict', 'The call is not in progress');
    }
    sockets.toAgents('call_media', { visitorId: call.visitor_id, callId: call.id, video: body.video });
    log.info(`call ${call.id} switched to ${body.video ? 'video' : 'voice'}`);
    return { ok: true, callId: call.id, video: body.video };
  }

  // The visitor takes its running call up from a new PeerJS registration (the old one died with the network,
  // or the call moved to another page of the site): the call, the gate and the console follow the new id.
  function rebind(visitor, body) {
    if (!isPeerId(body.peer_id)) throw err('bad_request', 'peer_id must be a PeerJS id');
    const call = visitorCall(visitor, body);
    if (config.peer.auth === 'kefu' && peerCreds) {
      const owner = peerCreds.owner(body.peer_id);
      if (!owner || owner.visitorId !== visitor.id) throw err('forbidden', 'peer_id is not a PeerJS id issued to this visitor');
    }
    if (call.state !== 'active' || !db.setCallVisitorPeer({ id: call.id, peerId: body.peer_id })) {
      throw err('conflict', 'The call is not in progress');
    }
    sockets.toAgents('call_peer', { visitorId: call.visitor_id, callId: call.id, peerId: body.peer_id });
    // The new registration starts unmuted (a new page); a widget still muted says so again after this.
    if (mutedCalls.delete(call.id)) sockets.toAgents('call_mute', { visitorId: call.visitor_id, callId: call.id, muted: false });
    stopAsking(call); // a call taken up by a new registration has its microphone (a report may have been lost)
    log.info(`call ${call.id} rebound to a new visitor peer`);
    return { ok: true, callId: call.id };
  }

  // The visitor turned its microphone off or on: the console shows it. Only a change is relayed.
  function mute(visitor, body) {
    if (typeof body.muted !== 'boolean') throw err('bad_request', 'muted must be a boolean');
    const call = visitorCall(visitor, body);
    if (call.state === 'ended') throw err('conflict', 'The call has ended');
    if (mutedCalls.has(call.id) === body.muted) return { ok: true, callId: call.id, muted: body.muted };
    if (!muteLimit.hit(call.id)) throw err('rate_limited', 'Too many mute changes');
    if (body.muted) mutedCalls.add(call.id);
    else mutedCalls.delete(call.id);
    sockets.toAgents('call_mute', { visitorId: call.visitor_id, callId: call.id, muted: body.muted });
    return { ok: true, callId: call.id, muted: body.muted };
  }

  // The visitor allowed the microphone its ring said was being asked for: relayed once per call.
  function micReady(visitor, body) {
    const call = visitorCall(visitor, body);
    if (call.state === 'ended') throw err('conflict', 'The call has ended');
    stopAsking(call);
    return { ok: true, callId: call.id };
  }

  // `address`: the client address key of the request (client-address.js).
  function visitorAction(visitor, body, address = 'unknown') {
    const action = body.action;
    if (body.visitor_id !== undefined && body.visitor_id !== visitor.id) {
      throw err('forbidden', 'visitor_id does not match the token');
    }
    if (action === 'callpeer') return callpeer(visitor, body, address);
    if (action === 'switch') return switchMedia(visitor, body);
    if (action === 'rebind') return rebind(visitor, body);
    if (action === 'mute') return mute(visitor, body);
    if (action === 'mic') return micReady(visitor, body);
    if (action === 'decline') return back.decline(visitor, body);
    if (action !== 'cancel' && action !== 'hangup' && action !== 'end') {
      throw err('bad_request', 'action must be callpeer, switch, rebind, mute, mic, decline, cancel, hangup or end');
    }
    if ((action === 'cancel' || action === 'end') && body.reason !== undefined && !DEVICE_REASONS.includes(body.reason)) {
      throw err('bad_request', `reason must be one of ${DEVICE_REASONS.join(', ')} when given`);
    }
    const call = visitorCall(visitor, body);
    const duration = body.duration === undefined ? undefined : Number(body.duration);
    if (call.state !== 'ended') {
      if (action === 'end') {
        const outcome = body.outcome;
        if (!OUTCOMES.includes(outcome)) throw err('bad_request', `outcome must be one of ${OUTCOMES.join(', ')}`);
        // A call the visitor's devices ended after the accept says why (the reasons of `cancel`).
        finish(call, outcome, outcome === 'failed' && body.reason ? body.reason : outcome, { duration });
      } else if (call.state === 'ringing') {
        const why = action === 'cancel' && body.reason ? body.reason : 'cancelled';
        finish(call, 'cancelled', why, { visitorFrame: back.ringEndFrame(call, 'cancelled') });
      } else {
        finish(call, 'completed', 'hangup', { duration });
      }
    }
    const ended = db.callById(call.id);
    return { ok: true, callId: ended.id, outcome: ended.outcome };
  }

  // ---- agent side: socket frames ----
  // On the mounted PeerJS server an agent may name only a PeerJS id issued to it (POST
  // /api/agent/peer-credentials): otherwise one agent could have a visitor call another's peer.
  function checkAgentPeer(agent, peerId) {
    if (config.peer.auth !== 'kefu' || !peerCreds) return;
    const owner = peerCreds.owner(peerId);
    if (!owner || owner.agentId !== agent.id) throw err('forbidden', 'peerId is not a PeerJS id issued to this agent');
  }

  function openCallFor(data) {
    if (!data || typeof data.visitorId !== 'string') throw err('bad_request', 'visitorId is required');
    const call = db.openCallForVisitor(data.visitorId);
    if (!call || (data.callId !== undefined && data.callId !== call.id)) throw err('not_found', 'No open call for this visitor');
    return call;
  }

  function accept(agent, data, ws) {
    const call = openCallFor(data);
    const peerId = data.peerId;
    if (!isPeerId(peerId)) throw err('bad_request', 'peerId must be a PeerJS id');
    checkAgentPeer(agent, peerId);
    if (call.state !== 'ringing') throw err('conflict', 'The call was already answered');
    back.checkAccept(agent, call);
    if (!db.answerCall({ id: call.id, answered: Date.now(), agentId: agent.id, agentPeerId: peerId })) {
      throw err('conflict', 'The call was already answered');
    }
    clearTimeout(ringTimers.get(call.id));
    ringTimers.delete(call.id);
    ringFrom.delete(call.id);
    stopRinging(call.id);
    // The seed's wire shape: the agent's peer id as a bare string.
    sockets.toVisitor(call.visitor_id, 'accept', peerId);
    sockets.toAgents('call_end', { visitorId: call.visitor_id, callId: call.id, reason: 'answered_elsewhere' }, ws);
    changed(call, 'active');
    log.info(`call ${call.id} answered by ${agent.id}`);
    return { callId: call.id };
  }

  function reject(agent, data) {
    const call = openCallFor(data);
    if (call.state === 'active') return hangup(agent, data);
    if (back.cancel(agent, call)) return { callId: call.id };
    finish(call, 'rejected', 'rejected', { visitorFrame: ['reject', { reason: 'rejected' }] });
    return { callId: call.id };
  }

  function hangup(agent, data) {
    // Hanging up a call that has already ended (a late second report) changes nothing, like the HTTP actions.
    if (data && typeof data.visitorId === 'string' && data.callId !== undefined) {
      const open = db.openCallForVisitor(data.visitorId);
      if (!open || open.id !== data.callId) return { callId: data.callId };
    }
    const call = openCallFor(data);
    if (call.state === 'ringing') return reject(agent, data);
    finish(call, 'completed', 'hangup', { visitorFrame: ['hangup', { reason: 'agent' }] });
    return { callId: call.id };
  }

  // The agent turned down the visitor's request to switch to video; the call itself goes on.
  function switchDecline(agent, data) {
    if (typeof data.callId !== 'string') throw err('bad_request', 'callId is required');
    const call = openCallFor(data);
    if (call.state !== 'active') throw err('conflict', 'The call is not in progress');
    sockets.toVisitor(call.visitor_id, 'switch', { accepted: false });
    return { callId: call.id };
  }

  // The console's standing PeerJS id, kept on its socket only (null clears it).
  function setAgentPeer(ws, data) {
    const peerId = data.peerId;
    if (peerId !== null && !isPeerId(peerId)) throw err('bad_request', 'peerId must be a PeerJS id or null');
    if (peerId !== null) checkAgentPeer(ws.agent, peerId);
    sockets.setAgentPeer(ws, peerId);
  }

  // ---- presence ----
  function onVisitorOffline(visitorId) {
    if (!db.openCallForVisitor(visitorId)) return;
    later(`v:${visitorId}`, config.leftGraceMs, () => {
      const call = db.openCallForVisitor(visitorId);
      if (!call || sockets.isVisitorOnline(visitorId)) return;
      finish(call, call.state === 'ringing' ? 'cancelled' : 'completed', 'visitor_left');
    });
  }
  const onVisitorOnline = (visitorId) => cancelLater(`v:${visitorId}`);

  function onAgentOffline(agentId) {
    later(`a:${agentId}`, config.leftGraceMs, () => {
      if (sockets.isAgentOnline(agentId)) return;
      back.agentLeft(agentId);
      for (const call of db.openCalls()) {
        if (call.state === 'active' && call.agent_id === agentId) {
          finish(call, 'completed', 'agent_left', { visitorFrame: ['hangup', { reason: 'agent_left' }] });
        }
      }
    });
  }
  const onAgentOnline = (agentId) => cancelLater(`a:${agentId}`);

  function onAgentsOffline() {
    later('agents', config.leftGraceMs, () => {
      if (sockets.agentsOnline()) return;
      for (const call of db.openCalls()) {
        if (call.state === 'ringing') finish(call, 'missed', 'offline', { visitorFrame: back.ringEndFrame(call, 'offline') || ['reject', { reason: 'offline' }] });
      }
    });
  }
  const onAgentsOnline = () => cancelLater('agents');

  // Calls still open in the database belong to a previous run: close them.
  function recover() {
    for (const call of db.openCalls()) {
      finish(call, call.state === 'ringing' ? 'missed' : 'failed', 'restart');
    }
  }

  // Calls an agent console should show after (re)connecting: running ones, and those ringing for it.
  function openCallFrames(agentId) {
    const mine = (c) => c.state !== 'ringing' || agentId === undefined || (rung.get(c.id) || new Set()).has(agentId);
    return db.openCalls().filter(mine).map((c) => {
      const visitor = db.visitorById(c.visitor_id);
      return callFrame(c, visitor ? visitor.name : '');
    });
  }

  function close() {
    for (const t of ringTimers.values()) clearTimeout(t);
    for (const t of graceTimers.values()) clearTimeout(t);
    for (const t of groupTimers.values()) clearTimeout(t);
    groupTimers.clear();
    rung.clear();
    ringTimers.clear();
    graceTimers.clear();
    ringFrom.clear();
    back.close();
  }

  return {
    visitorAction, accept, reject, hangup, switchDecline, setAgentPeer, callBack: (agent, data, ws) => back.place(agent, data, ws), recover, openCallFrames, close,
    onVisitorOffline, onVisitorOnline, onAgentOffline, onAgentOnline, onAgentsOffline, onAgentsOnline,
    // The agents a ringing call has rung so far: the PeerJS gate lets its visitor reach their consoles only.
    rungAgents: (callId) => rung.get(callId) || new Set(),
    callBackRingingAt: (visitorId) => back.ringingAt(visitorId),
    callBacksOf: (agentId) => back.placedBy(agentId),
    sweep: () => callLimit.sweep(),
  };
}

module.exports = { createCalls, callText, clock };
