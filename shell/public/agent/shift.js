// The console's tools for a working shift, wired to agent.js through one small interface:
//   const shift = createShift({ hook, http, node, fmtTime, select, selected, visitor, agent, addVisitor });
// agent.js then calls shift.start() after sign-in, shift.opened(id) when a conversation opens,
// shift.sent(id) after a reply, shift.message(m, isNew), shift.ring(call), shift.ringTone(on),
// shift.counts({unread, rings}), shift.note(frame), shift.rendered(messageList), shift.unlockAudio().
// Each concern is its own module: sound.js, notify.js, drafts.js, notes.js, search.js, canned.js, group.js.
import { createSound } from './sound.js';
import { createNotify } from './notify.js';
import { createDrafts } from './drafts.js';
import { createNotes } from './notes.js';
import { createSearch } from './search.js';
import { createCanned } from './canned.js';
import { groupMessages } from './group.js';

export function createShift(api) {
  const $ = (id) => document.getElementById(id);
  const reply = $('reply');
  const sound = createSound({ prompt: $('sound-prompt'), hook: api.hook });
  const notify = createNotify({
    banner: $('notify-prompt'), enable: $('notify-enable'), dismiss: $('notify-dismiss'), select: api.select, hook: api.hook,
  });
  const drafts = createDrafts({ agentId: () => (api.agent() ? api.agent().id : '') });
  const notes = createNotes({
    http: api.http, node: api.node, fmtTime: api.fmtTime, selected: api.selected,
    el: { list: $('note-list'), count: $('note-count'), form: $('note-form'), input: $('note-input'), error: $('note-error') },
  });
  // A hit may be a visitor the list does not hold (closed long ago): its summary is fetched first.
  async function openHit(id) {
    if (!api.visitor(id)) {
      try {
        api.addVisitor(await api.http('GET', `/api/agent/visitors/${encodeURIComponent(id)}`));
      } catch {
        return;
      }
    }
    api.select(id);
  }
  createSearch({
    http: api.http, node: api.node, fmtTime: api.fmtTime, open: openHit,
    el: { input: $('search-q'), results: $('search-results'), list: $('visitor-list') },
  });
  const canned = createCanned({ http: api.http, node: api.node, reply, form: $('reply-form'), picker: $('canned-picker') });

  // The draft follows every keystroke of the conversation on screen.
  reply.addEventListener('input', () => drafts.save(api.selected(), reply.value));

  return {
    start() {
      sound.unlock();
      notify.offer();
      canned.load();
    },
    draftFor: (id) => drafts.load(id),
    opened(id) {
      canned.close();
      notes.open(id);
    },
    sent: (id) => drafts.save(id, ''),
    message(m, isNew) {
      const v = api.visitor(m.visitorId);
      notify.message(m, v && v.name, isNew, api.selected());
      if (m.from === 'visitor' && (m.visitorId !== api.selected() || document.visibilityState !== 'visible')) sound.chime();
    },
    ring: (c) => notify.ring(c),
    ringTone: (on) => sound.ring(on),
    unlockAudio: () => sound.unlock(),
    counts: (c) => notify.counts(c),
    note: (n) => notes.add(n),
    forget: (id) => notes.forget(id),
    rendered: (list) => groupMessages(list),
  };
}
