'use strict';
// The routing rules of shell/lib/routing.js on their own, against a small in-memory team.
const test = require('node:test');
const assert = require('node:assert/strict');
const rules = require('../../shell/lib/routing.js');

// agents: { id: { status, open, lastActive, groups } }
function team(agents, groups = { sales: Object.keys(agents) }) {
  return {
    members: (g) => groups[g] || [],
    groupExists: (g) => g in groups,
    groupsOf: (a) => Object.keys(groups).filter((g) => groups[g].includes(a)),
    exists: (a) => a in agents,
    status: (a) => (agents[a] ? agents[a].status : 'offline'),
    open: (a) => agents[a].open || 0,
    lastActive: (a) => agents[a].lastActive || 0,
  };
}

test('a new conversation goes to the available member with the fewest open conversations', () => {
  const view = team({ li: { status: 'online', open: 3 }, wang: { status: 'online', open: 1 }, zhao: { status: 'online', open: 2 } });
  const { conv, routed } = rules.onVisitorMessage(view, null, { group: 'sales' });
  assert.equal(routed, true);
  assert.deepEqual(conv, { group: 'sales', assignee: 'wang', status: 'open' });
});

test('ties go to the agent idle longest, then to the smaller id', () => {
  const view = team({ li: { status: 'online', open: 1, lastActive: 500 }, wang: { status: 'online', open: 1, lastActive: 100 } });
  assert.equal(rules.pickAssignee(view, 'sales'), 'wang');
  const never = team({ b: { status: 'online', open: 0 }, a: { status: 'online', open: 0 } });
  assert.equal(rules.pickAssignee(never, 'sales'), 'a');
});

test('away and offline agents are not routed to; with nobody available the conversation waits unassigned', () => {
  const view = team({ li: { status: 'away', open: 0 }, wang: { status: 'online', open: 5 }, zhao: { status: 'offline', open: 0 } });
  assert.equal(rules.pickAssignee(view, 'sales'), 'wang');
  const nobody = team({ li: { status: 'away' }, zhao: { status: 'offline' } });
  const { conv } = rules.onVisitorMessage(nobody, null, { group: 'sales' });
  assert.deepEqual(conv, { group: 'sales', assignee: null, status: 'open' });
  assert.equal(rules.groupAvailable(nobody, 'sales'), false);
  // The first reply claims it.
  assert.deepEqual(rules.onAgentReply(conv, 'zhao', 'sales').conv, { group: 'sales', assignee: 'zhao', status: 'open' });
});

test('a preferred agent (data-kefu names an agent) gets it when available, else the group rule applies', () => {
  const view = team({ li: { status: 'online', open: 9 }, wang: { status: 'online', open: 0 } });
  assert.equal(rules.pickAssignee(view, 'sales', { preferred: 'li' }), 'li');
  const away = team({ li: { status: 'away', open: 0 }, wang: { status: 'online', open: 4 } });
  assert.equal(rules.pickAssignee(away, 'sales', { preferred: 'li' }), 'wang');
});

test('a message to an open conversation changes nothing; one to a closed conversation reopens and routes it again', () => {
  const view = team({ li: { status: 'offline' }, wang: { status: 'online', open: 0 } });
  const open = { group: 'sales', assignee: 'li', status: 'open' };
  assert.deepEqual(rules.onVisitorMessage(view, open, { group: 'other' }), { conv: open, routed: false });
  const closed = rules.close(open);
  assert.equal(closed.status, 'closed');
  assert.throws(() => rules.close(closed), { code: 'conflict' });
  const again = rules.onVisitorMessage(view, closed, { group: 'other' });
  assert.deepEqual(again, { conv: { group: 'sales', assignee: 'wang', status: 'open' }, routed: true });
});

test('transfer to an away or offline agent is refused; to a group it routes there, never back to the sender', () => {
  const agents = { li: { status: 'away' }, wang: { status: 'online', open: 0 }, zhao: { status: 'online', open: 2 }, qian: { status: 'offline' } };
  const view = team(agents, { sales: ['wang', 'li'], support: ['wang', 'zhao', 'qian'] });
  const conv = { group: 'sales', assignee: 'wang', status: 'open' };
  assert.throws(() => rules.transfer(view, conv, { agentId: 'li' }, { agentName: () => '小李' }), { code: 'conflict', message: /小李 is away/ });
  assert.throws(() => rules.transfer(view, conv, { agentId: 'qian' }), { code: 'conflict', message: /offline/ });
  assert.throws(() => rules.transfer(view, conv, { agentId: 'nobody' }), { code: 'not_found' });
  assert.throws(() => rules.transfer(view, conv, { groupId: 'nope' }), { code: 'not_found' });
  assert.throws(() => rules.transfer(view, conv, {}), { code: 'bad_request' });
  // wang has the fewest but hands it over: zhao gets it.
  assert.deepEqual(rules.transfer(view, conv, { groupId: 'support' }), { group: 'support', assignee: 'zhao', status: 'open' });
  // To an agent outside the conversation's group: it moves to that agent's group.
  assert.deepEqual(rules.transfer(view, { ...conv, assignee: 'li' }, { agentId: 'zhao' }), { group: 'support', assignee: 'zhao', status: 'open' });
  // A group with nobody available: unassigned there.
  const quiet = team({ li: { status: 'away' }, wang: { status: 'online' } }, { sales: ['wang'], night: ['li'] });
  assert.deepEqual(rules.transfer(quiet, conv, { groupId: 'night' }), { group: 'night', assignee: null, status: 'open' });
});

test('the visitor is told of a transfer in its language', () => {
  assert.equal(rules.transferLine('zh-CN', '小李'), '已为您转接 小李');
  assert.equal(rules.transferLine('en', 'Li'), 'Transferred to Li');
  assert.equal(rules.transferLine(undefined, '售后'), '已为您转接 售后');
});
