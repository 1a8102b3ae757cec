'use strict';
// The console's team parts: list tabs (all / mine / unassigned / group / closed) with counts, the
// presence switch (online / away), the assignee line, transfer and close in the chat head.
// agent.js creates it with window.KefuTeam.create({...}) and feeds it the team frames.
(function () {
  const $ = (id) => document.getElementById(id);
  const TABS = ['all', 'mine', 'unassigned', 'group', 'closed'];

  function create({ http, wsSend, relist, selected, visitors, node }) {
    const el = {
      tabs: $('list-tabs'), presence: $('presence-select'), note: $('team-note'), assignee: $('chat-assignee'),
      transferTo: $('transfer-to'), transfer: $('transfer'), close: $('close-conv'), error: $('team-error'),
    };
    const st = { tab: 'all', me: null, agents: new Map(), groups: new Map(), noteTimer: 0 };
    if (!el.tabs) return null;

    const open = (c) => c && c.status === 'open';
    const inTab = {
      all: () => true,
      mine: (c) => open(c) && st.me && c.assignee === st.me.id,
      unassigned: (c) => open(c) && !c.assignee,
      group: (c) => open(c) && st.me && (st.me.groups || []).includes(c.group),
      closed: (c) => !!c && c.status === 'closed',
    };
    const listed = (v) => inTab[st.tab](v.conversation || null);

    function renderTabs() {
      const all = [...visitors().values()];
      for (const b of el.tabs.querySelectorAll('button[data-tab]')) {
        const t = b.dataset.tab;
        b.setAttribute('aria-selected', String(t === st.tab));
        const n = all.filter((v) => inTab[t](v.conversation || null)).length;
        b.querySelector('.n').textContent = String(n);
      }
    }

    const agentName = (id) => (st.agents.get(id) || { name: id }).name;
    const groupName = (id) => (st.groups.get(id) || { name: id }).name;

    function renderHead() {
      const v = visitors().get(selected());
      const c = v && v.conversation;
      el.error.hidden = true;
      if (!c) {
        el.assignee.textContent = '';
        el.close.disabled = true;
        el.transfer.disabled = true;
        return;
      }
      const who = c.assignee ? agentName(c.assignee) : '待分配 unassigned';
      el.assignee.textContent = `${groupName(c.group)} · ${who}${c.status === 'closed' ? ' · 已结束 closed' : ''}`;
      el.close.disabled = c.status === 'closed';
      // Transfer targets: available agents other than the assignee, and every group.
      const options = [node('option', '', '转接给… Transfer to…')];
      options[0].value = '';
      for (const a of st.agents.values()) {
        if (a.status !== 'online' || a.id === c.assignee) continue;
        const o = node('option', '', `${a.name} (${a.id})`);
        o.value = `agent:${a.id}`;
        options.push(o);
      }
      for (const g of st.groups.values()) {
        const o = node('option', '', `组 ${g.name}${g.available ? '' : ' (无人 nobody available)'}`);
        o.value = `group:${g.id}`;
        options.push(o);
      }
      // A team update (anyone's presence) redraws the targets: the agent's choice stays chosen.
      const chosen = el.transferTo.value;
      el.transferTo.replaceChildren(...options);
      if (options.some((o) => o.value === chosen)) el.transferTo.value = chosen;
      el.transfer.disabled = false;
    }

    function setTeam(data) {
      if (Array.isArray(data.agents)) st.agents = new Map(data.agents.map((a) => [a.id, a]));
      if (Array.isArray(data.groups)) st.groups = new Map(data.groups.map((g) => [g.id, g]));
      if (st.me && st.agents.has(st.me.id)) st.me = st.agents.get(st.me.id);
      renderHead();
    }

    function note(text) {
      el.note.textContent = text;
      el.note.hidden = false;
      clearTimeout(st.noteTimer);
      st.noteTimer = setTimeout(() => {
        el.note.hidden = true;
      }, 6000);
    }

    function showError(e) {
      el.error.textContent = e.message || String(e);
      el.error.hidden = false;
    }

    el.tabs.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-tab]');
      if (!b || !TABS.includes(b.dataset.tab)) return;
      st.tab = b.dataset.tab;
      relist();
    });
    el.presence.addEventListener('change', () => wsSend('presence', { status: el.presence.value }));
    el.transfer.addEventListener('click', async () => {
      const id = selected();
      const [kind, target] = el.transferTo.value.split(/:(.*)/s);
      if (!id || !target) return;
      try {
        await http('POST', `/api/agent/visitors/${encodeURIComponent(id)}/transfer`, kind === 'agent' ? { agentId: target } : { groupId: target });
      } catch (e) {
        showError(e);
      }
    });
    el.close.addEventListener('click', async () => {
      const id = selected();
      if (!id) return;
      try {
        await http('POST', `/api/agent/visitors/${encodeURIComponent(id)}/close`);
      } catch (e) {
        showError(e);
      }
    });

    return {
      listed,
      renderTabs,
      renderHead,
      hello(data) {
        st.me = data.me || null;
        setTeam(data);
        el.presence.value = st.me && st.me.status === 'away' ? 'away' : 'online';
      },
      // Team frames; true when the frame was one of them.
      onFrame(type, data) {
        if (type === 'team') setTeam(data || {});
        else if (type === 'presence') el.presence.value = data && data.status === 'away' ? 'away' : 'online';
        else if (type === 'agent_presence') {
          const a = data && st.agents.get(data.agentId);
          if (a) a.status = data.status;
          renderHead();
        } else if (type === 'assigned') {
          const v = data && visitors().get(data.visitorId);
          note(`新会话分配给您 assigned to you: ${v ? v.name : data.visitorId}`);
        } else return false;
        return true;
      },
    };
  }

  window.KefuTeam = { create };
})();
