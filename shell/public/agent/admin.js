// 管理 Admin page (admin.html): agents, groups, business hours, branding. Every change goes through the
// admin endpoints (docs/PROTOCOL.md §3 "Admin"), which check the admin role themselves; this page only
// shows their answers. Uses the console's session token (state.js) and API client.
import { state, http } from './state.js';
import { $, node, bilingual } from './util.js';
import { hoursEditor } from './admin-hours.js';

const DAYS_ZH = { mon: '周一', tue: '周二', wed: '周三', thu: '周四', fri: '周五', sat: '周六', sun: '周日' };
const data = { agents: [], groups: [], hours: null, groupHours: {}, branding: null, groupTexts: {} };
const status = (text) => { $('admin-status').textContent = text; };

// Runs an action of a form: errors (the server's message) go to the form's alert line.
async function act(form, fn) {
  const out = form.querySelector('.form-error');
  out.textContent = '';
  try {
    await fn();
    status('已保存 Saved');
    return true;
  } catch (e) {
    out.textContent = e.message;
    return false;
  }
}

// ---- tabs ----
for (const tab of document.querySelectorAll('[role=tab]')) {
  tab.addEventListener('click', () => {
    for (const t of document.querySelectorAll('[role=tab]')) {
      t.setAttribute('aria-selected', String(t === tab));
      $(t.getAttribute('aria-controls')).hidden = t !== tab;
    }
  });
}

// ---- agents ----
function renderAgents() {
  const rows = $('agent-rows');
  rows.replaceChildren();
  for (const a of data.agents) {
    const tr = node('tr');
    tr.dataset.agentId = a.id;
    const role = node('select');
    role.setAttribute('aria-label', `角色 Role: ${a.username}`);
    for (const r of ['agent', 'admin']) {
      const o = node('option', '', r === 'admin' ? '管理员 admin' : '客服 agent');
      o.value = r;
      role.append(o);
    }
    role.value = a.role;
    const form = node('form', 'row-actions');
    form.append(node('span', 'form-error'));
    role.addEventListener('change', () => act(form, async () => {
      await http('PATCH', `/api/admin/agents/${encodeURIComponent(a.id)}`, { role: role.value });
      await load();
    }).then((ok) => { if (!ok) role.value = a.role; }));
    const pass = node('input');
    pass.type = 'password';
    pass.placeholder = '新密码 New password';
    pass.autocomplete = 'new-password';
    pass.setAttribute('aria-label', `新密码 New password: ${a.username}`);
    const setPass = node('button', 'btn small', '重置密码 Reset password');
    setPass.type = 'submit';
    const remove = node('button', 'btn small danger', '删除 Remove');
    remove.type = 'button';
    form.prepend(pass, setPass, remove);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      act(form, async () => {
        await http('PATCH', `/api/admin/agents/${encodeURIComponent(a.id)}`, { password: pass.value });
        pass.value = '';
      });
    });
    remove.addEventListener('click', () => {
      if (!window.confirm(`删除 ${a.username}？Remove ${a.username}?`)) return;
      act(form, async () => {
        await http('DELETE', `/api/admin/agents/${encodeURIComponent(a.id)}`);
        await load();
      });
    });
    const cell = (x) => {
      const td = node('td');
      td.append(x);
      return td;
    };
    tr.append(cell(a.username), cell(a.name), cell(role), cell(a.status || ''), cell((a.groups || []).join(', ')), cell(form));
    rows.append(tr);
  }
}

$('agent-add').addEventListener('submit', (e) => {
  e.preventDefault();
  const f = e.target;
  act(f, async () => {
    const el = f.elements;
    const body = { username: el.username.value.trim(), password: el.password.value, role: el.role.value };
    if (el.name.value.trim()) body.name = el.name.value.trim();
    await http('POST', '/api/admin/agents', body);
    f.reset();
    await load();
  });
});

// ---- groups ----
function textFields(prefix, texts) {
  const box = node('fieldset');
  box.append(node('legend', '', '本组文字（留空用全站的） Texts of this group (empty: the site\'s)'));
  for (const [kind, zh, en] of [['welcome', '欢迎语', 'Welcome'], ['away', '无人接待说明', 'Away text']]) {
    for (const lang of ['zh-CN', 'en']) {
      const l = node('label', '', `${zh} ${en} (${lang}) `);
      const t = node('textarea');
      t.rows = 2;
      t.maxLength = 500;
      t.name = `${kind}.${lang}`;
      t.value = (texts && texts[kind] && texts[kind][lang]) || '';
      l.append(t);
      box.append(l);
    }
  }
  return box;
}
const readTexts = (form) => {
  const out = { welcome: {}, away: {} };
  for (const t of form.querySelectorAll('textarea')) {
    const [kind, lang] = t.name.split('.');
    if (t.value.trim()) out[kind][lang] = t.value;
  }
  return out;
};

function renderGroups() {
  const box = $('group-cards');
  box.replaceChildren();
  for (const g of data.groups) {
    const form = node('form', 'admin-form group-card');
    form.dataset.groupId = g.id;
    const h = node('h2', '', `${g.name} `);
    h.append(node('code', '', g.id));
    if (g.default) h.append(node('span', 'tag', '默认 default'));
    form.append(h);
    const name = node('input');
    name.name = 'name';
    name.value = g.name;
    name.maxLength = 32;
    const nl = node('label', '', '名称 Name ');
    nl.append(name);
    form.append(nl);
    const members = node('fieldset');
    members.append(node('legend', '', '成员 Members'));
    for (const a of data.agents) {
      const l = node('label', 'check');
      const c = node('input');
      c.type = 'checkbox';
      c.name = 'member';
      c.value = a.id;
      c.checked = g.members.includes(a.id);
      l.append(c, ` ${a.name} (${a.username})`);
      members.append(l);
    }
    form.append(members);
    const own = data.groupHours[g.id] || null;
    const ownBox = node('label', 'check');
    const ownCheck = node('input');
    ownCheck.type = 'checkbox';
    ownCheck.name = 'ownHours';
    ownCheck.checked = own !== null;
    ownBox.append(ownCheck, ' 本组自己的工作时间 Own business hours (else the site\'s)');
    const hours = hoursEditor(own || data.hours, DAYS_ZH);
    hours.node.hidden = !ownCheck.checked;
    ownCheck.addEventListener('change', () => { hours.node.hidden = !ownCheck.checked; });
    form.append(ownBox, hours.node, textFields(g.id, data.groupTexts[g.id]));
    const save = node('button', 'btn primary', '保存 Save');
    save.type = 'submit';
    form.append(save);
    if (!g.default) {
      const del = node('button', 'btn danger', '删除分组 Remove group');
      del.type = 'button';
      del.addEventListener('click', () => {
        if (!window.confirm(`删除分组 ${g.name}？Remove group ${g.id}?`)) return;
        act(form, async () => {
          await http('DELETE', `/api/admin/groups/${encodeURIComponent(g.id)}`);
          await load();
        });
      });
      const def = node('button', 'btn', '设为默认 Make default');
      def.type = 'button';
      def.addEventListener('click', () => act(form, async () => {
        await http('PATCH', `/api/admin/groups/${encodeURIComponent(g.id)}`, { default: true });
        await load();
      }));
      form.append(def, del);
    }
    form.append(node('p', 'form-error'));
    form.querySelector('.form-error').setAttribute('role', 'alert');
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      act(form, async () => {
        const id = encodeURIComponent(g.id);
        const picked = [...form.querySelectorAll('input[name=member]')].filter((c) => c.checked).map((c) => c.value);
        const schedule = ownCheck.checked ? hours.value() : null; // throws with a message for a bad day
        await http('PATCH', `/api/admin/groups/${id}`, { name: name.value, members: picked });
        await http('PUT', `/api/admin/groups/${id}/hours`, { hours: schedule });
        await http('PUT', `/api/admin/groups/${id}/texts`, readTexts(form));
        await load();
      });
    });
    box.append(form);
  }
}

$('group-add').addEventListener('submit', (e) => {
  e.preventDefault();
  const f = e.target;
  act(f, async () => {
    await http('POST', '/api/admin/groups', { id: f.elements.id.value.trim(), name: f.elements.name.value.trim() });
    f.reset();
    await load();
  });
});

// ---- settings: hours, branding, ring delay ----
let siteHours = null;
function renderSettings() {
  siteHours = hoursEditor(data.hours, DAYS_ZH, { allowAlways: true });
  $('hours-form').querySelector('.hours-slot').replaceChildren(siteHours.node);
  const f = $('branding-form');
  const b = data.branding;
  f.elements.primary.value = b.primary || '';
  for (const k of ['launcher', 'welcome', 'away']) {
    for (const lang of ['zh-CN', 'en']) f.elements[`${k}.${lang}`].value = (b[k] && b[k][lang]) || '';
  }
  f.elements.offsetX.value = b.offsetX;
  f.elements.offsetY.value = b.offsetY;
  showContrast();
  $('ring-form').elements.ringGroupDelayMs.value = data.settings.ringGroupDelayMs;
}

// The same rule as the server (shell/lib/branding.js): white text needs 4.5:1 on the primary colour.
function contrast(hex) {
  const lin = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 1.05 / (0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2] + 0.05);
}
function showContrast() {
  const v = $('brand-primary').value.trim();
  const out = $('brand-contrast');
  if (!/^#[0-9a-fA-F]{6}$/.test(v)) {
    out.textContent = v ? '格式 #rrggbb' : '默认颜色 Default colour';
    $('brand-sample').style.background = '';
    return;
  }
  const r = contrast(v);
  $('brand-picker').value = v.toLowerCase();
  $('brand-sample').style.background = v;
  out.textContent = `${r.toFixed(2)}:1 ${r >= 4.5 ? '✓' : '✗ 需要 4.5:1 needs 4.5:1'}`;
}
$('brand-primary').addEventListener('input', showContrast);
$('brand-picker').addEventListener('input', () => {
  $('brand-primary').value = $('brand-picker').value;
  showContrast();
});

$('hours-form').addEventListener('submit', (e) => {
  e.preventDefault();
  act(e.target, async () => {
    await http('PUT', '/api/admin/hours', { hours: siteHours.value() });
    await load();
  });
});
$('branding-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const f = e.target;
  act(f, async () => {
    const el = f.elements;
    const body = { primary: el.primary.value.trim() || null, offsetX: Number(el.offsetX.value), offsetY: Number(el.offsetY.value) };
    for (const k of ['launcher', 'welcome', 'away']) {
      body[k] = {};
      for (const lang of ['zh-CN', 'en']) {
        const v = f.elements[`${k}.${lang}`].value;
        if (v.trim()) body[k][lang] = v;
      }
    }
    await http('PUT', '/api/admin/branding', body);
    await load();
  });
});
$('ring-form').addEventListener('submit', (e) => {
  e.preventDefault();
  act(e.target, async () => {
    await http('PATCH', '/api/admin/settings', { ringGroupDelayMs: Number(e.target.elements.ringGroupDelayMs.value) });
    await load();
  });
});

async function load() {
  const [agents, groups, hours, branding, settings] = await Promise.all([
    http('GET', '/api/admin/agents'), http('GET', '/api/admin/groups'), http('GET', '/api/admin/hours'),
    http('GET', '/api/admin/branding'), http('GET', '/api/admin/settings'),
  ]);
  Object.assign(data, {
    agents: agents.agents, groups: groups.groups, hours: hours.hours, groupHours: hours.groups,
    branding: branding.branding, groupTexts: branding.groups, settings: settings.settings,
  });
  renderAgents();
  renderGroups();
  renderSettings();
  document.body.dataset.loaded = String(Date.now()); // tests wait for this
}

(async () => {
  if (!state.token) {
    window.location.replace('/agent/');
    return;
  }
  try {
    const me = await http('GET', '/api/agent/me');
    $('admin-who').replaceChildren(bilingual(me.agent.name, me.agent.role));
    await load();
    $('admin-main').hidden = false;
  } catch (e) {
    // An agent's token: the server answers 403, and this page has nothing to show.
    status(e.status === 403 ? '只有管理员可以打开此页。Only admins can open this page.' : `${e.message}`);
    if (e.status === 401) window.location.replace('/agent/');
  }
})();
