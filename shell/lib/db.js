'use strict';
// SQLite storage (better-sqlite3, WAL): visitors, agents, messages, read marks, calls, groups, conversations.
const fs = require('fs');
const path = require('path');
const Database = require('better-sqlite3');
const { teamQueries } = require('./db-team');
const { shiftQueries } = require('./db-shift');
const { pageQueries } = require('./db-pages');
const { migrateAway, awayQueries } = require('./db-away');

const SCHEMA = `
CREATE TABLE IF NOT EXISTS visitors (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  attrs TEXT NOT NULL DEFAULT '{}',
  created INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  pass_hash TEXT NOT NULL,
  created INTEGER NOT NULL,
  source TEXT NOT NULL DEFAULT 'config'
);
CREATE TABLE IF NOT EXISTS agent_tokens (
  token_hash TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  created INTEGER NOT NULL,
  last_used INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  visitor_id TEXT NOT NULL REFERENCES visitors(id),
  client_id TEXT NOT NULL,
  sender TEXT NOT NULL CHECK (sender IN ('visitor', 'agent', 'system')),
  text TEXT NOT NULL,
  time INTEGER NOT NULL,
  agent_name TEXT,
  kind TEXT NOT NULL DEFAULT 'text',
  call_json TEXT,
  UNIQUE (visitor_id, client_id)
);
CREATE INDEX IF NOT EXISTS messages_by_visitor ON messages (visitor_id, seq);
CREATE TABLE IF NOT EXISTS reads (
  visitor_id TEXT PRIMARY KEY REFERENCES visitors(id),
  agent_read_seq INTEGER NOT NULL DEFAULT 0,
  visitor_read_seq INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS calls (
  id TEXT PRIMARY KEY,
  visitor_id TEXT NOT NULL REFERENCES visitors(id),
  video INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL CHECK (state IN ('ringing', 'active', 'ended')),
  outcome TEXT,
  end_reason TEXT,
  visitor_peer_id TEXT,
  agent_peer_id TEXT,
  agent_id TEXT,
  created INTEGER NOT NULL,
  answered INTEGER,
  ended INTEGER,
  duration INTEGER
);
CREATE INDEX IF NOT EXISTS calls_by_visitor ON calls (visitor_id, state);
CREATE TABLE IF NOT EXISTS groups (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS group_members (
  group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, agent_id)
);
CREATE TABLE IF NOT EXISTS conversations (
  visitor_id TEXT PRIMARY KEY REFERENCES visitors(id) ON DELETE CASCADE,
  group_id TEXT NOT NULL,
  assignee TEXT,
  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  updated INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

function parseJson(text, fallback) {
  try {
    return text ? JSON.parse(text) : fallback;
  } catch {
    return fallback;
  }
}

// The data holds every conversation and the password hashes: only the server's user may read it.
// SQLite gives the -wal and -shm files the mode of the database file, so that one is made 0600 first;
// files and folders left 0755/0644 by an older version are fixed here too.
function restrictFiles(dataDir, file) {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dataDir, 0o700);
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      fs.chmodSync(f, 0o600);
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
    }
  }
}

// Columns added after the first schema, for databases made by an older version.
function migrate(db) {
  const has = (table, col) => db.prepare(`PRAGMA table_info(${table})`).all().some((c) => c.name === col);
  // 'config': the account kept by the server's settings (ensureAgent); other values are accounts
  // managed by hand, which the settings never touch.
  if (!has('agents', 'source')) db.exec("ALTER TABLE agents ADD COLUMN source TEXT NOT NULL DEFAULT 'config'");
  // Teams: every account made before roles existed is an agent; the first admin is made at start.
  if (!has('agents', 'role')) db.exec("ALTER TABLE agents ADD COLUMN role TEXT NOT NULL DEFAULT 'agent'");
  // What the widget's `kefu` setting named when the visitor was made: an agent or a group.
  if (!has('visitors', 'kefu')) db.exec("ALTER TABLE visitors ADD COLUMN kefu TEXT NOT NULL DEFAULT ''");
  // One default group, holding every account that existed before groups did.
  if (!db.prepare('SELECT 1 FROM groups WHERE is_default = 1').get()) {
    db.transaction(() => {
      db.prepare("INSERT OR IGNORE INTO groups (id, name, is_default, created) VALUES ('default', '客服', 0, ?)").run(Date.now());
      db.prepare("UPDATE groups SET is_default = 1 WHERE id = 'default'").run();
      db.prepare("INSERT OR IGNORE INTO group_members (group_id, agent_id) SELECT 'default', id FROM agents").run();
    })();
  }
}

function openDb(dataDir) {
  const file = path.join(dataDir, 'kefu.db');
  restrictFiles(dataDir, file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  migrate(db);
  migrateAway(db); // business hours, branding texts, contacts left (db-away.js)

  const q = {
    insertVisitor: db.prepare(`INSERT INTO visitors (id, token_hash, name, attrs, created, last_seen, kefu)
      VALUES (@id, @tokenHash, @name, @attrs, @now, @now, @kefu)`),
    visitorByToken: db.prepare('SELECT * FROM visitors WHERE token_hash = ?'),
    visitorById: db.prepare('SELECT * FROM visitors WHERE id = ?'),
    touchVisitor: db.prepare('UPDATE visitors SET last_seen = ? WHERE id = ?'),
    updateVisitor: db.prepare(`UPDATE visitors SET name = @name, email = @email, phone = @phone, attrs = @attrs
      WHERE id = @id`),
    insertMessage: db.prepare(`INSERT INTO messages (visitor_id, client_id, sender, text, time, agent_name, kind, call_json)
      VALUES (@visitorId, @clientId, @sender, @text, @time, @agentName, @kind, @callJson)
      ON CONFLICT (visitor_id, client_id) DO NOTHING`),
    messageByClientId: db.prepare('SELECT * FROM messages WHERE visitor_id = ? AND client_id = ?'),
    messageBySeq: db.prepare('SELECT * FROM messages WHERE seq = ?'),
    lastMessage: db.prepare('SELECT * FROM messages WHERE visitor_id = ? ORDER BY seq DESC LIMIT 1'),
    pageBefore: db.prepare(`SELECT * FROM messages WHERE visitor_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`),
    pageAfter: db.prepare(`SELECT * FROM messages WHERE visitor_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?`),
    reads: db.prepare('SELECT agent_read_seq, visitor_read_seq FROM reads WHERE visitor_id = ?'),
    markAgentRead: db.prepare(`INSERT INTO reads (visitor_id, agent_read_seq) VALUES (?, ?)
      ON CONFLICT (visitor_id) DO UPDATE SET agent_read_seq = MAX(agent_read_seq, excluded.agent_read_seq)`),
    markVisitorRead: db.prepare(`INSERT INTO reads (visitor_id, visitor_read_seq) VALUES (?, ?)
      ON CONFLICT (visitor_id) DO UPDATE SET visitor_read_seq = MAX(visitor_read_seq, excluded.visitor_read_seq)`),
    unreadForAgent: db.prepare(`SELECT COUNT(*) AS n FROM messages
      WHERE visitor_id = ? AND sender = 'visitor'
        AND seq > COALESCE((SELECT agent_read_seq FROM reads WHERE visitor_id = ?), 0)`),
    recentConversations: db.prepare(`SELECT visitor_id, MAX(seq) AS last_seq FROM messages
      GROUP BY visitor_id ORDER BY last_seq DESC LIMIT ?`),
    upsertAgent: db.prepare(`INSERT INTO agents (id, username, name, pass_hash, created)
      VALUES (@id, @username, @name, @passHash, @now)
      ON CONFLICT (username) DO UPDATE SET name = excluded.name, pass_hash = excluded.pass_hash`),
    insertAgent: db.prepare(`INSERT INTO agents (id, username, name, pass_hash, created, source, role)
      VALUES (@id, @username, @name, @passHash, @now, @source, @role)`),
    joinDefaultGroup: db.prepare(`INSERT OR IGNORE INTO group_members (group_id, agent_id)
      SELECT id, ? FROM groups WHERE is_default = 1`),
    setAgentPassword: db.prepare('UPDATE agents SET pass_hash = ? WHERE id = ?'),
    setAgentName: db.prepare('UPDATE agents SET name = ? WHERE id = ?'),
    deleteAgent: db.prepare('DELETE FROM agents WHERE id = ?'),
    agentsBySource: db.prepare('SELECT * FROM agents WHERE source = ?'),
    agentTokenHashes: db.prepare('SELECT token_hash FROM agent_tokens WHERE agent_id = ?'),
    agentTokenRow: db.prepare('SELECT * FROM agent_tokens WHERE token_hash = ?'),
    staleAgentTokens: db.prepare(`SELECT token_hash, agent_id FROM agent_tokens
      WHERE last_used <= @idleBefore OR created <= @createdBefore`),
    agentByUsername: db.prepare('SELECT * FROM agents WHERE username = ?'),
    agentById: db.prepare('SELECT * FROM agents WHERE id = ?'),
    insertAgentToken: db.prepare(`INSERT INTO agent_tokens (token_hash, agent_id, created, last_used)
      VALUES (?, ?, ?, ?)`),
    agentByToken: db.prepare(`SELECT a.* FROM agent_tokens t JOIN agents a ON a.id = t.agent_id
      WHERE t.token_hash = ?`),
    touchAgentToken: db.prepare('UPDATE agent_tokens SET last_used = ? WHERE token_hash = ?'),
    deleteAgentToken: db.prepare('DELETE FROM agent_tokens WHERE token_hash = ?'),
    insertCall: db.prepare(`INSERT INTO calls (id, visitor_id, video, state, visitor_peer_id, created)
      VALUES (@id, @visitorId, @video, 'ringing', @visitorPeerId, @created)`),
    callById: db.prepare('SELECT * FROM calls WHERE id = ?'),
    openCallForVisitor: db.prepare(`SELECT * FROM calls WHERE visitor_id = ? AND state != 'ended'
      ORDER BY created DESC LIMIT 1`),
    openCalls: db.prepare(`SELECT * FROM calls WHERE state != 'ended'`),
    answerCall: db.prepare(`UPDATE calls SET state = 'active', answered = @answered, agent_id = @agentId,
      agent_peer_id = @agentPeerId WHERE id = @id AND state = 'ringing'`),
    endCall: db.prepare(`UPDATE calls SET state = 'ended', outcome = @outcome, end_reason = @reason, ended = @ended,
      duration = @duration WHERE id = @id AND state != 'ended'`),
    setCallVideo: db.prepare(`UPDATE calls SET video = @video WHERE id = @id AND state = 'active'`),
    setCallVisitorPeer: db.prepare(`UPDATE calls SET visitor_peer_id = @peerId WHERE id = @id AND state = 'active'`),
    // A call-back the visitor answers: bound to the visitor's peer once, while it rings.
    bindRingingPeer: db.prepare(`UPDATE calls SET visitor_peer_id = @peerId
      WHERE id = @id AND state = 'ringing' AND visitor_peer_id IS NULL`),
    setVisitorToken: db.prepare('UPDATE visitors SET token_hash = ? WHERE id = ?'),
    forgetMessages: db.prepare('DELETE FROM messages WHERE visitor_id = ?'),
    forgetReads: db.prepare('DELETE FROM reads WHERE visitor_id = ?'),
    forgetCalls: db.prepare('DELETE FROM calls WHERE visitor_id = ?'),
    forgetVisitor: db.prepare('DELETE FROM visitors WHERE id = ?'),
  };

  const api = {
    raw: db,
    close: () => db.close(),
    transaction: (fn) => db.transaction(fn),

    createVisitor: (v) => q.insertVisitor.run({ kefu: '', ...v }),
    visitorByTokenHash: (h) => q.visitorByToken.get(h),
    visitorById: (id) => q.visitorById.get(id),
    touchVisitor: (id, now) => q.touchVisitor.run(now, id),
    updateVisitor: (v) => q.updateVisitor.run(v),
    setVisitorToken: (id, tokenHash) => q.setVisitorToken.run(tokenHash, id).changes === 1,
    // Erases a visitor and everything stored about it, in one transaction.
    forgetVisitor: (id) => db.transaction(() => {
      q.forgetMessages.run(id);
      q.forgetReads.run(id);
      q.forgetCalls.run(id);
      return q.forgetVisitor.run(id).changes === 1;
    })(),

    // Stores a message once per (visitor, client id); returns { row, created }.
    insertMessage(m) {
      const info = q.insertMessage.run({ agentName: null, kind: 'text', callJson: null, ...m });
      if (info.changes === 1) return { row: q.messageBySeq.get(info.lastInsertRowid), created: true };
      return { row: q.messageByClientId.get(m.visitorId, m.clientId), created: false };
    },
    messageByClientId: (visitorId, clientId) => q.messageByClientId.get(visitorId, clientId),
    lastMessage: (visitorId) => q.lastMessage.get(visitorId),
    // One page of a conversation, oldest first. `before` pages backwards, `after` forwards.
    page(visitorId, { before, after, limit }) {
      if (after !== undefined) {
        const rows = q.pageAfter.all(visitorId, after, limit + 1);
        return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
      }
      const rows = q.pageBefore.all(visitorId, before === undefined ? Number.MAX_SAFE_INTEGER : before, limit + 1);
      return { rows: rows.slice(0, limit).reverse(), hasMore: rows.length > limit };
    },
    reads(visitorId) {
      const r = q.reads.get(visitorId);
      return { agent: r ? r.agent_read_seq : 0, visitor: r ? r.visitor_read_seq : 0 };
    },
    markAgentRead: (visitorId, seq) => q.markAgentRead.run(visitorId, seq),
    markVisitorRead: (visitorId, seq) => q.markVisitorRead.run(visitorId, seq),
    unreadForAgent: (visitorId) => q.unreadForAgent.get(visitorId, visitorId).n,
    recentConversations: (limit) => q.recentConversations.all(limit),

    upsertAgent: (a) => q.upsertAgent.run(a),
    // A new account starts in the default group.
    insertAgent: (a) => db.transaction(() => {
      q.insertAgent.run({ source: 'config', role: 'agent', ...a });
      q.joinDefaultGroup.run(a.id);
    })(),
    setAgentPassword: (id, passHash) => q.setAgentPassword.run(passHash, id),
    setAgentName: (id, name) => q.setAgentName.run(name, id),
    deleteAgent: (id) => q.deleteAgent.run(id).changes === 1,
    agentsBySource: (source) => q.agentsBySource.all(source),
    agentTokenHashes: (agentId) => q.agentTokenHashes.all(agentId).map((r) => r.token_hash),
    agentTokenRow: (hash) => q.agentTokenRow.get(hash),
    staleAgentTokens: (idleBefore, createdBefore) => q.staleAgentTokens.all({ idleBefore, createdBefore }),
    agentByUsername: (u) => q.agentByUsername.get(u),
    agentById: (id) => q.agentById.get(id),
    insertAgentToken: (hash, agentId, now) => q.insertAgentToken.run(hash, agentId, now, now),
    agentByTokenHash: (hash) => q.agentByToken.get(hash),
    touchAgentToken: (hash, now) => q.touchAgentToken.run(now, hash),
    deleteAgentToken: (hash) => q.deleteAgentToken.run(hash),

    insertCall: (c) => q.insertCall.run(c),
    callById: (id) => q.callById.get(id),
    openCallForVisitor: (visitorId) => q.openCallForVisitor.get(visitorId),
    openCalls: () => q.openCalls.all(),
    answerCall: (c) => q.answerCall.run(c).changes === 1,
    endCall: (c) => q.endCall.run(c).changes === 1,
    setCallVideo: (c) => q.setCallVideo.run(c).changes === 1,
    setCallVisitorPeer: (c) => q.setCallVisitorPeer.run(c).changes === 1,
    bindRingingPeer: (c) => q.bindRingingPeer.run(c).changes === 1,
    ...teamQueries(db),
    ...shiftQueries(db), // notes, the search index, canned replies (db-shift.js)
    ...pageQueries(db), // the visitor's page views and browser (db-pages.js)
    ...awayQueries(db),
  };
  return api;
}

module.exports = { openDb, parseJson };
