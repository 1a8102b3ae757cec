'use strict';
// Storage for business hours, branding texts and contacts left outside hours (留言): group columns,
// visitor columns, and two rows of the settings table ('hours', 'branding'). Tables are made in db.js.

// Columns added for this feature, for databases made by an older version (and new ones alike).
function migrateAway(db) {
  const has = (table, col) => db.prepare(`PRAGMA table_info(${table})`).all().some((c) => c.name === col);
  // A group's own schedule and texts as JSON; NULL: the site-wide ones.
  if (!has('groups', 'hours')) db.exec('ALTER TABLE groups ADD COLUMN hours TEXT');
  if (!has('groups', 'texts')) db.exec('ALTER TABLE groups ADD COLUMN texts TEXT');
  // When the visitor last left a contact because nobody could answer (0: never, or answered since),
  // and why: 'hours' (outside business hours) or 'nobody' (nobody of the group available).
  if (!has('visitors', 'contact_left')) db.exec('ALTER TABLE visitors ADD COLUMN contact_left INTEGER NOT NULL DEFAULT 0');
  if (!has('visitors', 'contact_reason')) db.exec("ALTER TABLE visitors ADD COLUMN contact_reason TEXT NOT NULL DEFAULT ''");
}

function parse(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null; // a damaged value reads as "not set"
  }
}

function awayQueries(db) {
  const q = {
    groupHours: db.prepare('SELECT hours FROM groups WHERE id = ?'),
    setGroupHours: db.prepare('UPDATE groups SET hours = ? WHERE id = ?'),
    groupTexts: db.prepare('SELECT texts FROM groups WHERE id = ?'),
    setGroupTexts: db.prepare('UPDATE groups SET texts = ? WHERE id = ?'),
    allGroupAway: db.prepare('SELECT id, hours, texts FROM groups ORDER BY id'),
    setContact: db.prepare(`UPDATE visitors SET email = @email, phone = @phone, contact_left = @time,
      contact_reason = @reason WHERE id = @id`),
    clearContactMark: db.prepare('UPDATE visitors SET contact_left = 0 WHERE id = ? AND contact_left != 0'),
  };
  const row = (stmt, id, col) => {
    const r = stmt.get(id);
    return r ? parse(r[col]) : null;
  };
  return {
    groupHours: (id) => row(q.groupHours, id, 'hours'),
    setGroupHours: (id, hours) => q.setGroupHours.run(hours === null ? null : JSON.stringify(hours), id).changes === 1,
    groupTexts: (id) => row(q.groupTexts, id, 'texts'),
    setGroupTexts: (id, texts) => q.setGroupTexts.run(texts === null ? null : JSON.stringify(texts), id).changes === 1,
    allGroupAway: () => q.allGroupAway.all().map((r) => ({ id: r.id, hours: parse(r.hours), texts: parse(r.texts) })),
    setVisitorContact: (c) => q.setContact.run(c).changes === 1,
    clearContactMark: (id) => q.clearContactMark.run(id).changes === 1,
  };
}

module.exports = { migrateAway, awayQueries };
