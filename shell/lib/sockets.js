'use strict';
// Registry of authenticated WebSocket connections, with presence events:
//   visitor-online(visitorId) / visitor-offline(visitorId)   first socket opened / last one closed
//   agents-online() / agents-offline()                       first agent socket / last agent socket
//   agent-offline(agentId)                                   an agent's last socket closed
//   revoke({agentId, tokenHash} | {visitorId})              a credential ended (auth.js): close its sockets
const { EventEmitter } = require('events');
const WebSocket = require('ws');

function sendFrame(ws, type, data) {
  if (!ws || ws.readyState !== WebSocket.OPEN) return false;
  ws.send(JSON.stringify({ type, data }));
  return true;
}

function createSockets() {
  const events = new EventEmitter();
  const visitors = new Map(); // visitorId -> Set<ws>
  const agents = new Set(); // ws with ws.agent

  function addVisitor(visitorId, ws) {
    let set = visitors.get(visitorId);
    const first = !set;
    if (!set) visitors.set(visitorId, (set = new Set()));
    set.add(ws);
    if (first) events.emit('visitor-online', visitorId);
  }

  function removeVisitor(visitorId, ws) {
    const set = visitors.get(visitorId);
    if (!set || !set.delete(ws)) return;
    if (!set.size) {
      visitors.delete(visitorId);
      events.emit('visitor-offline', visitorId);
    }
  }

  function addAgent(ws) {
    const first = agents.size === 0;
    agents.add(ws);
    if (first) events.emit('agents-online');
  }

  function removeAgent(ws) {
    if (!agents.delete(ws)) return;
    const agentId = ws.agent.id;
    if (![...agents].some((s) => s.agent.id === agentId)) events.emit('agent-offline', agentId);
    if (!agents.size) events.emit('agents-offline');
  }

  return {
    events,
    addVisitor,
    removeVisitor,
    addAgent,
    removeAgent,
    isVisitorOnline: (visitorId) => visitors.has(visitorId),
    visitorSocketCount: (visitorId) => (visitors.get(visitorId) || new Set()).size,
    agentSocketCount: (agentId) => [...agents].filter((s) => s.agent.id === agentId).length,
    onlineVisitorIds: () => [...visitors.keys()],
    agentsOnline: () => agents.size > 0,
    isAgentOnline: (agentId) => [...agents].some((s) => s.agent.id === agentId),
    // The standing PeerJS id lives on the socket, so it goes away with it.
    setAgentPeer(ws, peerId) {
      if (agents.has(ws)) ws.agentPeerId = peerId || null;
    },
    // Distinct standing PeerJS ids advertised by the agent sockets online now (of these agents only).
    agentPeerIds: (agentIds) => [...new Set([...agents].filter((s) => !agentIds || agentIds.has(s.agent.id)).map((s) => s.agentPeerId).filter(Boolean))],
    toVisitor(visitorId, type, data, except) {
      for (const ws of visitors.get(visitorId) || []) if (ws !== except) sendFrame(ws, type, data);
    },
    toAgents(type, data, except) {
      for (const ws of agents) if (ws !== except) sendFrame(ws, type, data);
    },
    toAgent(agentId, type, data, except) {
      for (const ws of agents) if (ws.agent.id === agentId && ws !== except) sendFrame(ws, type, data);
    },
    send: sendFrame,
  };
}

module.exports = { createSockets, sendFrame };
