'use strict';
// Storage for what the widget reports about the visitor's browsing (docs/PROTOCOL.md §4 `page`): the
// pages viewed (the newest MAX_PAGES per visitor) and one row of browser facts per visitor. Both go
// with the visitor (forget me) through ON DELETE CASCADE.
const MAX_PAGES = 50;
const VISIT_GAP_MS = 30 * 60 * 1000; // a page view after this long without one starts a new visit

const SCHEMA = `
CREATE TABLE IF NOT EXISTS page_views (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  visitor_id TEXT NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
  time INTEGER NOT NULL,
  url TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS page_views_by_visitor ON page_views (visitor_id, id);
CREATE TABLE IF NOT EXISTS visitor_env (
  visitor_id TEXT PRIMARY KEY REFERENCES visitors(id) ON DELETE CASCADE,
  browser TEXT NOT NULL DEFAULT '',
  os TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL DEFAULT '',
  tz TEXT NOT NULL DEFAULT '',
  tz_offset INTEGER,
  referrer TEXT NOT NULL DEFAULT '',
  visits INTEGER NOT NULL DEFAULT 0,
  first_page INTEGER NOT NULL,
  last_page INTEGER NOT NULL
);
`;

function pageQueries(db) {
  db.exec(SCHEMA);
  const q = {
    env: db.prepare('SELECT * FROM visitor_env WHERE visitor_id = ?'),
    insertEnv: db.prepare(`INSERT INTO visitor_env (visitor_id, browser, os, lang, tz, tz_offset, referrer, visits, first_page, last_page)
      VALUES (@visitorId, @browser, @os, @lang, @tz, @tzOffset, @referrer, 1, @time, @time)`),
    updateEnv: db.prepare(`UPDATE visitor_env SET browser = @browser, os = @os, lang = @lang, tz = @tz, tz_offset = @tzOffset,
      referrer = CASE WHEN @newVisit AND @referrer <> '' THEN @referrer ELSE referrer END,
      visits = visits + @newVisit, last_page = @time WHERE visitor_id = @visitorId`),
    insertPage: db.prepare('INSERT INTO page_views (visitor_id, time, url, title) VALUES (?, ?, ?, ?)'),
    trimPages: db.prepare(`DELETE FROM page_views WHERE visitor_id = ? AND id <= (
      SELECT id FROM page_views WHERE visitor_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`),
    pages: db.prepare('SELECT time, url, title FROM page_views WHERE visitor_id = ? ORDER BY id DESC LIMIT ?'),
    sessions: db.prepare(`SELECT seq, time, sender, substr(text, 1, 80) AS text FROM messages
      WHERE visitor_id = ? AND sender IN ('visitor', 'agent') ORDER BY seq DESC LIMIT 2000`),
  };
  return {
    // One page view: stored, the visitor's browser facts refreshed; `reload` is a report of the page
    // already shown (a reconnect), which changes nothing but the title.
    recordPage: db.transaction((p) => {
      const env = q.env.get(p.visitorId);
      const row = { ...p, newVisit: 0 };
      if (!env) q.insertEnv.run(row);
      else {
        row.newVisit = p.time - env.last_page >= VISIT_GAP_MS ? 1 : 0;
        q.updateEnv.run(row);
      }
      const last = q.pages.get(p.visitorId, 1);
      if (last && last.url === p.url && last.title === p.title && !row.newVisit) return false;
      q.insertPage.run(p.visitorId, p.time, p.url, p.title);
      q.trimPages.run(p.visitorId, p.visitorId, MAX_PAGES);
      return true;
    }),
    visitorEnv: (visitorId) => q.env.get(visitorId) || null,
    pageViews: (visitorId, limit = 20) => q.pages.all(visitorId, limit),
    // The visitor's messages cut into conversations where they paused for VISIT_GAP_MS: newest first.
    messageSessions(visitorId) {
      const out = [];
      for (const m of q.sessions.all(visitorId)) {
        const s = out[out.length - 1];
        if (s && s.start - m.time < VISIT_GAP_MS) {
          s.start = m.time;
          s.messages++;
          if (m.sender === 'visitor') s.first = m.text;
        } else {
          out.push({ start: m.time, end: m.time, messages: 1, first: m.sender === 'visitor' ? m.text : '', lastSeq: m.seq });
        }
      }
      return out;
    },
  };
}

module.exports = { pageQueries, MAX_PAGES, VISIT_GAP_MS };
