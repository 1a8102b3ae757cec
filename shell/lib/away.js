'use strict';
// Who can answer a visitor now, and what the widget shows when nobody can: business hours (hours.js)
// per group or site-wide, branding and texts (branding.js) merged for a group. docs/PROTOCOL.md §3.
const { isOpen, normalizeSchedule } = require('./hours');
const { DEFAULT_BRANDING, normalizeBranding } = require('./branding');

// Shown when the admin set no away text. Full-width punctuation in Chinese.
const DEFAULT_AWAY = {
  hours: {
    'zh-CN': '您好，现在是非工作时间，客服暂时无法回复。请留下您的邮箱或电话，我们上班后会尽快联系您。',
    en: 'Hello! We are outside our business hours right now. Leave your e-mail or phone number and we will get back to you as soon as we are back.',
  },
  nobody: {
    'zh-CN': '您好，客服暂时都不在线。请留下您的邮箱或电话，我们会尽快联系您。',
    en: 'Hello! Nobody from our team is available right now. Leave your e-mail or phone number and we will get back to you soon.',
  },
};

function createAway({ db, config }) {
  const stored = (key, check, fallback) => {
    const raw = db.setting(key);
    if (raw === undefined) return fallback;
    try {
      return check(JSON.parse(raw));
    } catch {
      return fallback; // a damaged value: as if never set
    }
  };
  const siteHours = () => stored('hours', normalizeSchedule, null);
  const siteBranding = () => stored('branding', (b) => normalizeBranding(b), { ...DEFAULT_BRANDING });
  const groupHours = (groupId) => {
    const own = db.groupHours(groupId);
    return own === null ? siteHours() : own;
  };
  const inHours = (groupId, now = Date.now()) => isOpen(groupHours(groupId), now);

  function groupTexts(groupId) {
    const t = db.groupTexts(groupId) || {};
    return { welcome: t.welcome || {}, away: t.away || {} };
  }

  // What /api/config says about branding for a visitor of `groupId`.
  function branding(groupId) {
    const b = siteBranding();
    const g = groupTexts(groupId);
    const away = { ...b.away, ...g.away };
    const has = Object.keys(away).length > 0;
    return {
      primary: b.primary,
      launcher: b.launcher,
      offsetX: b.offsetX,
      offsetY: b.offsetY,
      away: { hours: has ? away : DEFAULT_AWAY.hours, nobody: has ? away : DEFAULT_AWAY.nobody },
      welcome: { ...config.welcome, ...b.welcome, ...g.welcome },
    };
  }

  return { siteHours, siteBranding, groupHours, inHours, groupTexts, branding };
}

module.exports = { createAway, DEFAULT_AWAY };
