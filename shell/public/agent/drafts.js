// A draft per conversation, in localStorage under kefu.draft.<agent id>.<visitor id>, so a half-written
// reply survives switching conversations and reloading the console. Stored text is checked on the way
// back in (another script on this origin, or an old version, may have written anything there).
const PREFIX = 'kefu.draft.';
const MAX_CHARS = 4000;
const KEEP_MS = 7 * 24 * 3600 * 1000;

function read(key) {
  try {
    const d = JSON.parse(localStorage.getItem(key));
    if (d && typeof d.text === 'string' && [...d.text].length <= MAX_CHARS && Number.isFinite(d.at)) return d;
  } catch {
    /* not ours */
  }
  return null;
}

export function createDrafts({ agentId }) {
  const key = (visitorId) => `${PREFIX}${agentId()}.${visitorId}`;

  // Drafts left untouched for a week go.
  try {
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const k = localStorage.key(i);
      if (!k || !k.startsWith(PREFIX)) continue;
      const d = read(k);
      if (!d || Date.now() - d.at > KEEP_MS) localStorage.removeItem(k);
    }
  } catch {
    /* storage unavailable */
  }

  return {
    load(visitorId) {
      if (!visitorId || !agentId()) return '';
      const d = read(key(visitorId));
      return d ? d.text : '';
    },
    save(visitorId, text) {
      if (!visitorId || !agentId()) return;
      try {
        if (text.trim()) localStorage.setItem(key(visitorId), JSON.stringify({ text: [...text].slice(0, MAX_CHARS).join(''), at: Date.now() }));
        else localStorage.removeItem(key(visitorId));
      } catch {
        /* full or unavailable: the draft lives on in the box until the switch */
      }
    },
  };
}
