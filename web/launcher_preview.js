/* Kefu launcher preview, appended after glue.js: the agent's newest reply next to the closed launcher,
   two lines at most, with × to dismiss it; a click on it opens the panel; a short chime, only once the
   visitor has used the page. A reply can only arrive once the app runs, so this lives in the app's
   script, not in the loader every page view pays for. The text is hostile: textContent only. */
(function (w, d) {
  'use strict';
  var K = w.Kefu;
  if (!K || !K.__attach) return;
  // o: {root, launcher, left, zh, open(), used()}; returns the loader's event hook (name, data, isOpen).
  K.__preview = function (o) {
    var side = o.left ? 'left' : 'right';
    var css = '.w{position:fixed;' + side + ':20px;bottom:92px;z-index:2147483000;display:flex;' +
      'align-items:flex-start;max-width:min(280px,calc(100vw - 40px));background:#fff;color:#1f1f1f;border-radius:12px;' +
      'box-shadow:0 4px 16px rgba(0,0,0,.2);font:14px/1.4 system-ui,"PingFang SC","Microsoft YaHei",sans-serif}' +
      '.w[hidden]{display:none}.w button{border:0;background:none;color:inherit;font:inherit;cursor:pointer;margin:0}' +
      '.w .t{flex:1;min-width:0;text-align:start;padding:10px 4px 10px 14px}.w .t span{display:-webkit-box;' +
      '-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden;overflow-wrap:anywhere}' +
      '.w .x{min-width:32px;min-height:32px;padding:0;color:#595959;font-size:18px;line-height:1}' +
      '.w button:focus-visible{outline:2px solid #003eb3;outline-offset:-2px;border-radius:8px}';
    K.__css(o.root, css);
    var pv = d.createElement('div'), text = d.createElement('button'), x = d.createElement('button');
    pv.className = 'w';
    pv.hidden = true;
    pv.setAttribute('role', 'status');
    text.className = 't';
    text.type = x.type = 'button';
    text.appendChild(d.createElement('span')).dir = 'auto';
    x.className = 'x';
    x.textContent = '×';
    x.setAttribute('aria-label', o.zh ? '关闭消息预览' : 'Dismiss');
    pv.appendChild(text);
    pv.appendChild(x);
    o.root.appendChild(pv);
    text.addEventListener('click', function () { pv.hidden = true; o.open(); });
    x.addEventListener('click', function () { pv.hidden = true; });

    function show(t) {
      var btn = o.launcher;
      text.firstChild.textContent = String(t).slice(0, 500);
      text.setAttribute('aria-label', (o.zh ? '客服：' : 'Agent: ') + text.firstChild.textContent);
      pv.style[side] = btn.style[side]; // the site's offsets (web/away.js) move the launcher
      pv.style.bottom = (parseFloat(btn.style.bottom) || 20) + 72 + 'px';
      pv.hidden = false;
      var AC = w.AudioContext || w.webkitAudioContext;
      if (!AC || !o.used()) return; // never the page's first sound
      try {
        var ac = new AC(), osc = ac.createOscillator(), g = ac.createGain(), t0 = ac.currentTime;
        osc.frequency.value = 880;
        g.gain.setValueAtTime(0.05, t0);
        g.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.25);
        osc.connect(g).connect(ac.destination);
        osc.start(t0); osc.stop(t0 + 0.3);
        osc.onended = function () { ac.close(); };
      } catch (e) { /* no audio */ }
    }
    return function (name, data, isOpen) {
      if (name === 'open') pv.hidden = true;
      if (name === 'message' && data && data.from === 'agent' && !isOpen && typeof data.text === 'string') show(data.text);
    };
  };
})(window, document);
