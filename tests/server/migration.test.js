'use strict';
// A data folder made before teams existed (the schema as it was then, written here) upgrades in place:
// accounts become agents in the default group, sessions and conversations carry on, an admin is made.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { createRequire } = require('module');
const { startServer, api, agentLogin, agentSocket, tempDir } = require('./helpers');
const { hashPassword, hashToken } = require('../../shell/lib/auth.js');

const Database = createRequire(path.join(__dirname, '../../shell/package.json'))('better-sqlite3');

const OLD_SCHEMA = `
CREATE TABLE visitors (id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '', attrs TEXT NOT NULL DEFAULT '{}',
  created INTEGER NOT NULL, last_seen INTEGER NOT NULL);
CREATE TABLE agents (id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, name TEXT NOT NULL, pass_hash TEXT NOT NULL,
  created INTEGER NOT NULL, source TEXT NOT NULL DEFAULT 'config');
CREATE TABLE agent_tokens (token_hash TEXT PRIMARY KEY, agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  created INTEGER NOT NULL, last_used INTEGER NOT NULL);
CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, visitor_id TEXT NOT NULL REFERENCES visitors(id),
  client_id TEXT NOT NULL, sender TEXT NOT NULL CHECK (sender IN ('visitor', 'agent', 'system')), text TEXT NOT NULL,
  time INTEGER NOT NULL, agent_name TEXT, kind TEXT NOT NULL DEFAULT 'text', call_json TEXT, UNIQUE (visitor_id, client_id));
CREATE INDEX messages_by_visitor ON messages (visitor_id, seq);
CREATE TABLE reads (visitor_id TEXT PRIMARY KEY REFERENCES visitors(id), agent_read_seq INTEGER NOT NULL DEFAULT 0,
  visitor_read_seq INTEGER NOT NULL DEFAULT 0);
CREATE TABLE calls (id TEXT PRIMARY KEY, visitor_id TEXT NOT NULL REFERENCES visitors(id), video INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL CHECK (state IN ('ringing', 'active', 'ended')), outcome TEXT, end_reason TEXT, visitor_peer_id TEXT,
  agent_peer_id TEXT, agent_id TEXT, created INTEGER NOT NULL, answered INTEGER, ended INTEGER, duration INTEGER);
CREATE INDEX calls_by_visitor ON calls (visitor_id, state);
`;

test('an old data folder upgrades: kefu1 keeps its password and session, joins the default group; history stays', async () => {
  const dir = tempDir();
  const old = new Database(path.join(dir, 'kefu.db'));
  old.pragma('journal_mode = WAL');
  old.exec(OLD_SCHEMA);
  const now = Date.now();
  old.prepare("INSERT INTO agents VALUES ('kefu1', 'kefu1', '小美', ?, ?, 'config')").run(hashPassword('kefu123'), now);
  old.prepare("INSERT INTO agents VALUES ('li', 'li', '小李', ?, ?, 'manual')").run(hashPassword('li-pass-123'), now);
  old.prepare('INSERT INTO agent_tokens VALUES (?, ?, ?, ?)').run(hashToken('old-agent-token'), 'kefu1', now, now);
  old.prepare("INSERT INTO visitors (id, token_hash, name, created, last_seen) VALUES ('v_old', ?, '老访客', ?, ?)").run(hashToken('old-visitor-token'), now, now);
  old.prepare("INSERT INTO messages (visitor_id, client_id, sender, text, time) VALUES ('v_old', 'm1', 'visitor', '以前的消息', ?)").run(now);
  old.close();

  const srv = await startServer({ dataDir: dir, adminPass: 'admin-pass-1' });
  // The old session still works, and kefu1 is an agent in the default group.
  const me = await api(srv, 'GET', '/api/agent/me', { token: 'old-agent-token' });
  assert.equal(me.status, 200);
  assert.equal(me.json.agent.role, 'agent');
  const ws = await agentSocket(srv, 'old-agent-token');
  assert.deepEqual(ws.hello.me.groups, ['default']);
  assert.deepEqual(ws.hello.groups.map((g) => [g.id, g.default, g.members]), [['default', true, ['admin', 'kefu1', 'li']]]);
  await agentLogin(srv, 'li', 'li-pass-123');
  const admin = await agentLogin(srv, 'admin', 'admin-pass-1');
  assert.equal((await api(srv, 'GET', '/api/admin/agents', { token: admin })).status, 200);
  // The old conversation is there and a new message routes it to the online kefu1.
  const hist = await api(srv, 'GET', '/api/messages', { token: 'old-visitor-token' });
  assert.deepEqual(hist.json.messages.map((m) => m.text), ['以前的消息']);
  await api(srv, 'POST', '/api/messages', { token: 'old-visitor-token', body: { id: 'm2', text: '新消息' } });
  const s = await api(srv, 'GET', '/api/agent/visitors/v_old', { token: 'old-agent-token' });
  assert.deepEqual(s.json.conversation, { group: 'default', assignee: 'kefu1', status: 'open' });
  await srv.close();
  // A second start changes nothing more.
  const again = await startServer({ dataDir: dir });
  assert.equal((await api(again, 'GET', '/api/agent/me', { token: 'old-agent-token' })).status, 200);
  await again.close();
});
