// Desktop notifications and the page title, so no visitor is missed while the agent looks elsewhere:
// a new conversation, a message in a conversation not on screen (or while the tab is hidden), a ring.
// Clicking a notification focuses that conversation. Permission is asked once after sign-in, from a
// banner that says why (#notify-prompt); the answer is kept in localStorage (kefu.notify.asked).
const ASKED_KEY = 'kefu.notify.asked';
const BASE_TITLE = '客服工作台';

const supported = () => typeof window.Notification === 'function';

export function createNotify({ banner, enable, dismiss, select, hook }) {
  const st = { unread: 0, rings: 0 };
  hook.notified = 0;

  const onScreen = () => document.visibilityState === 'visible' && document.hasFocus();

  function offer() {
    if (!banner) return;
    let asked = false;
    try {
      asked = localStorage.getItem(ASKED_KEY) === '1';
    } catch {
      /* storage unavailable: ask */
    }
    banner.hidden = !supported() || Notification.permission !== 'default' || asked;
  }
  function answered() {
    try {
      localStorage.setItem(ASKED_KEY, '1');
    } catch {
      /* asked again next time */
    }
    banner.hidden = true;
  }
  if (enable) {
    enable.addEventListener('click', async () => {
      answered();
      try {
        await Notification.requestPermission();
      } catch {
        /* the browser refused to ask */
      }
    });
  }
  if (dismiss) dismiss.addEventListener('click', answered);

  function show(title, body, visitorId, tag) {
    if (!supported() || Notification.permission !== 'granted') return;
    try {
      const n = new Notification(title, { body: String(body).slice(0, 200), tag, lang: 'zh-CN', icon: '/img/leaf.svg' });
      hook.notified++;
      n.onclick = () => {
        window.focus();
        if (visitorId) select(visitorId);
        n.close();
      };
    } catch {
      /* notifications unavailable here (some browsers allow them only from a service worker) */
    }
  }

  function render() {
    const parts = [];
    if (st.rings) parts.push(`(${st.rings}) 来电`);
    if (st.unread) parts.push(`(${st.unread}) 新消息`);
    document.title = parts.length ? `${parts.join(' · ')} · ${BASE_TITLE}` : `${BASE_TITLE} · Kefu agent console`;
  }

  return {
    offer,
    // A visitor's message; `isNew`: the conversation's first; `selected`: the id on screen.
    message(m, name, isNew, selected) {
      if (!m || m.from !== 'visitor') return;
      if (!isNew && m.visitorId === selected && onScreen()) return;
      const who = name || m.visitorId;
      show(isNew ? `新会话 New conversation · ${who}` : `${who}`, m.text, m.visitorId, `kefu-msg-${m.visitorId}`);
    },
    // A call starts ringing here. It notifies even with the console on screen but not focused.
    ring(c) {
      if (!c || onScreen()) return;
      show(`${c.video ? '视频来电 Video call' : '语音来电 Voice call'} · ${c.name || c.visitorId}`, '点击查看 Click to open', c.visitorId, `kefu-ring-${c.callId}`);
    },
    counts({ unread, rings }) {
      if (unread !== undefined) st.unread = unread;
      if (rings !== undefined) st.rings = rings;
      render();
    },
  };
}
