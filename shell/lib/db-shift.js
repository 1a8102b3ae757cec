'use strict';
// Storage for the agent's shift tools: internal notes, the message search index and canned replies.
// Tables and the search index are made (and filled from existing messages) here, at open, so a data
// folder made by an older version gains them on its first start.

// Notes live in their own table, not in `messages`: every visitor path (history, summaries, fan-out)
// reads `messages` only, so a note cannot reach a visitor by a forgotten filter.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  visitor_id TEXT NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  agent_name TEXT NOT NULL,
  text TEXT NOT NULL,
  time INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS notes_by_visitor ON notes (visitor_id, id);
CREATE TABLE IF NOT EXISTS canned_replies (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  group_id TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  created INTEGER NOT NULL
);
`;

// Replies every team starts with; group '' is shared by all groups.
const STARTER_REPLIES = [
  ['问候 Greeting', '您好，请问有什么可以帮您？'],
  ['稍等 One moment', '好的，请稍等，我马上为您查询。'],
  ['发票 Invoice', '发票会在订单完成后 3 个工作日内发送到您的邮箱。'],
  ['结束 Goodbye', '感谢您的咨询，祝您生活愉快！'],
];

// The trigram tokenizer indexes every 3-character run, so Chinese (no spaces between words) and order
// numbers are found by any part of 3 characters or more; shorter queries use LIKE (see search()).
function migrateShift(db) {
  db.exec(SCHEMA);
  const hasFts = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'message_fts'").get();
  if (!hasFts) {
    db.transaction(() => {
      db.exec(`CREATE VIRTUAL TABLE message_fts USING fts5(text, content='messages', content_rowid='seq', tokenize='trigram');
        CREATE TRIGGER IF NOT EXISTS message_fts_insert AFTER INSERT ON messages BEGIN
          INSERT INTO message_fts (rowid, text) VALUES (new.seq, new.text);
        END;
        CREATE TRIGGER IF NOT EXISTS message_fts_delete AFTER DELETE ON messages BEGIN
          INSERT INTO message_fts (message_fts, rowid, text) VALUES ('delete', old.seq, old.text);
        END;
        INSERT INTO message_fts (message_fts) VALUES ('rebuild');`);
    })();
  }
  if (!db.prepare('SELECT 1 FROM canned_replies LIMIT 1').get() && !db.prepare("SELECT 1 FROM settings WHERE key = 'canned_seeded'").get()) {
    const ins = db.prepare("INSERT INTO canned_replies (group_id, title, text, created) VALUES ('', ?, ?, ?)");
    db.transaction(() => {
      for (const [title, text] of STARTER_REPLIES) ins.run(title, text, Date.now());
      db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('canned_seeded', '1')").run();
    })();
  }
}

// LIKE with the query's own % and _ taken literally.
const likePattern = (s) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function shiftQueries(db) {
  migrateShift(db);
  const q = {
    insertNote: db.prepare(`INSERT INTO notes (visitor_id, agent_id, agent_name, text, time)
      VALUES (@visitorId, @agentId, @agentName, @text, @time)`),
    noteById: db.prepare('SELECT * FROM notes WHERE id = ?'),
    notes: db.prepare('SELECT * FROM notes WHERE visitor_id = ? ORDER BY id DESC LIMIT ?'),
    ftsMessages: db.prepare(`SELECT m.* FROM message_fts f JOIN messages m ON m.seq = f.rowid
      WHERE message_fts MATCH ? AND m.sender IN ('visitor', 'agent') ORDER BY m.seq DESC LIMIT ?`),
    likeMessages: db.prepare(`SELECT * FROM messages WHERE text LIKE ? ESCAPE '\\'
      AND sender IN ('visitor', 'agent') ORDER BY seq DESC LIMIT ?`),
    visitorsLike: db.prepare(`SELECT id FROM visitors
      WHERE name LIKE @p ESCAPE '\\' OR email LIKE @p ESCAPE '\\' OR phone LIKE @p ESCAPE '\\'
      ORDER BY last_seen DESC LIMIT @limit`),
    canned: db.prepare('SELECT * FROM canned_replies ORDER BY group_id, id'),
    cannedById: db.prepare('SELECT * FROM canned_replies WHERE id = ?'),
    insertCanned: db.prepare('INSERT INTO canned_replies (group_id, title, text, created) VALUES (?, ?, ?, ?)'),
    deleteCanned: db.prepare('DELETE FROM canned_replies WHERE id = ?'),
  };
  return {
    insertNote: (n) => q.noteById.get(q.insertNote.run(n).lastInsertRowid),
    notes: (visitorId, limit = 200) => q.notes.all(visitorId, limit).reverse(),
    // Messages (visitor and agent lines, newest first) whose text contains `text`.
    searchMessages(text, limit = 50) {
      if ([...text].length >= 3) return q.ftsMessages.all(`"${text.replace(/"/g, '""')}"`, limit);
      return q.likeMessages.all(likePattern(text), limit);
    },
    searchVisitors: (text, limit = 50) => q.visitorsLike.all({ p: likePattern(text), limit }).map((r) => r.id),
    cannedReplies: () => q.canned.all(),
    cannedById: (id) => q.cannedById.get(id),
    insertCanned: (group, title, text, now) => q.cannedById.get(q.insertCanned.run(group, title, text, now).lastInsertRowid),
    deleteCanned: (id) => q.deleteCanned.run(id).changes === 1,
  };
}

module.exports = { shiftQueries, migrateShift };
