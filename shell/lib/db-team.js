'use strict';
// Storage for teams: roles, groups and their members, conversation state (group, assignee, open/closed),
// and the settings an admin changes at run time. Tables are made in db.js.

function teamQueries(db) {
  const q = {
    agents: db.prepare('SELECT id, username, name, role, source, created FROM agents ORDER BY created, id'),
    setRole: db.prepare('UPDATE agents SET role = ? WHERE id = ?'),
    adminCount: db.prepare("SELECT COUNT(*) AS n FROM agents WHERE role = 'admin'"),
    groups: db.prepare('SELECT * FROM groups ORDER BY is_default DESC, created, id'),
    groupById: db.prepare('SELECT * FROM groups WHERE id = ?'),
    defaultGroup: db.prepare('SELECT * FROM groups WHERE is_default = 1'),
    insertGroup: db.prepare('INSERT INTO groups (id, name, is_default, created) VALUES (?, ?, 0, ?)'),
    renameGroup: db.prepare('UPDATE groups SET name = ? WHERE id = ?'),
    clearDefault: db.prepare('UPDATE groups SET is_default = 0'),
    setDefault: db.prepare('UPDATE groups SET is_default = 1 WHERE id = ?'),
    deleteGroup: db.prepare('DELETE FROM groups WHERE id = ?'),
    members: db.prepare('SELECT agent_id FROM group_members WHERE group_id = ? ORDER BY agent_id'),
    groupsOf: db.prepare('SELECT group_id FROM group_members WHERE agent_id = ? ORDER BY group_id'),
    clearMembers: db.prepare('DELETE FROM group_members WHERE group_id = ?'),
    addMember: db.prepare('INSERT OR IGNORE INTO group_members (group_id, agent_id) VALUES (?, ?)'),
    conversation: db.prepare('SELECT * FROM conversations WHERE visitor_id = ?'),
    upsertConversation: db.prepare(`INSERT INTO conversations (visitor_id, group_id, assignee, status, updated)
      VALUES (@visitorId, @group, @assignee, @status, @updated)
      ON CONFLICT (visitor_id) DO UPDATE SET group_id = excluded.group_id, assignee = excluded.assignee,
        status = excluded.status, updated = excluded.updated`),
    openCounts: db.prepare(`SELECT assignee, COUNT(*) AS n FROM conversations
      WHERE status = 'open' AND assignee IS NOT NULL GROUP BY assignee`),
    orphaned: db.prepare(`SELECT visitor_id FROM conversations
      WHERE assignee IS NOT NULL AND assignee NOT IN (SELECT id FROM agents)`),
    setting: db.prepare('SELECT value FROM settings WHERE key = ?'),
    putSetting: db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
  };

  const conversationRow = (r) => (r ? { visitorId: r.visitor_id, group: r.group_id, assignee: r.assignee, status: r.status, updated: r.updated } : null);

  return {
    listAgents: () => q.agents.all(),
    setAgentRole: (id, role) => q.setRole.run(role, id).changes === 1,
    adminCount: () => q.adminCount.get().n,
    listGroups: () => q.groups.all(),
    groupById: (id) => q.groupById.get(id),
    defaultGroup: () => q.defaultGroup.get(),
    insertGroup: (id, name, now) => q.insertGroup.run(id, name, now),
    renameGroup: (id, name) => q.renameGroup.run(name, id),
    makeDefaultGroup: (id) => db.transaction(() => {
      q.clearDefault.run();
      q.setDefault.run(id);
    })(),
    deleteGroup: (id) => q.deleteGroup.run(id).changes === 1,
    groupMembers: (id) => q.members.all(id).map((r) => r.agent_id),
    groupsOf: (agentId) => q.groupsOf.all(agentId).map((r) => r.group_id),
    setGroupMembers: (id, agentIds) => db.transaction(() => {
      q.clearMembers.run(id);
      for (const a of agentIds) q.addMember.run(id, a);
    })(),
    addGroupMember: (id, agentId) => q.addMember.run(id, agentId),
    conversation: (visitorId) => conversationRow(q.conversation.get(visitorId)),
    saveConversation: (c) => q.upsertConversation.run({ ...c, updated: c.updated || Date.now() }),
    openCounts: () => new Map(q.openCounts.all().map((r) => [r.assignee, r.n])),
    orphanedConversations: () => q.orphaned.all().map((r) => r.visitor_id),
    setting: (key) => {
      const r = q.setting.get(key);
      return r ? r.value : undefined;
    },
    putSetting: (key, value) => q.putSetting.run(key, String(value)),
    // Changes whenever another connection (node shell/admin.js) commits to the file.
    dataVersion: () => db.pragma('data_version', { simple: true }),
  };
}

module.exports = { teamQueries };
