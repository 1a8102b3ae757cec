/* Kefu browser glue. Appended to the Emscripten module script: it builds the panel's DOM, forwards
   browser events to the C++ app, and gives the app thin handles to WebSocket, fetch, timers, canvas text
   rasterization, getUserMedia and RTCPeerConnection. No chat or call logic lives here. */
(function (w, d) {
  'use strict';
  var K = w.Kefu;
  if (!K || !K.__attach) return;
  // Marks for anyone profiling the widget on their page (DevTools → Performance → Timings).
  var mark = function (n) { if (w.performance && performance.mark) performance.mark('kefu:' + n); };
  mark('script');
  K.__attach(function boot(cfg, L) {
    var callx = null; // call_extras.js: call quality, ringback, full screen
    var selx = null; // selection.js: the selection drawn in the canvas
    var app = null, frameQueued = false, frames = 0, frameMs = 0, titleTimer = 0;
    var el = function (tag, cls, parent) {
      var e = d.createElement(tag);
      if (cls) e.className = cls;
      (parent || panel).appendChild(e);
      return e;
    };
    var css = '.p{position:fixed;display:none;z-index:2147483001;overflow:hidden;border-radius:14px;' +
      'box-shadow:0 12px 40px rgba(0,0,0,.28);background:#f5f6f8;touch-action:none}.p.f{border-radius:0}.p.o{display:block}' +
      '.p canvas{position:absolute;left:0;top:0;outline:none}' +
      '.p textarea{position:absolute;box-sizing:border-box;resize:none;border:0;outline:none;background:transparent;' +
      'color:#1f1f1f;font-size:14px;line-height:1.4;' +
      'padding:8px 10px;margin:0;overflow-y:auto;touch-action:auto}.p.f textarea{font-size:16px}' +
      '.p video{position:absolute;display:none;background:#000;object-fit:cover;border-radius:8px}.p .v{display:block}' +
      // The text layer (see mirror below): transparent text over the drawn glyphs, so the browser selects,
      // copies and finds it; only the text itself takes the pointer, the canvas keeps everything else.
      '.p .x{position:absolute;overflow:hidden auto;scrollbar-width:none;pointer-events:none;outline:none}' +
      '.p .x::-webkit-scrollbar{display:none}.p .h{position:absolute;width:1px;left:0;top:0}' +
      '.p .m{position:absolute;margin:0;white-space:pre-wrap;overflow-wrap:break-word;color:transparent;' +
      'font-kerning:none;font-variant-ligatures:none;cursor:text;pointer-events:auto}' +
      '.p .m a{color:transparent;text-decoration:none;cursor:pointer}' +
      // Delivery marks and the unread divider (f 3, 4): heard by screen readers, not selected or copied.
      '.p .s{position:absolute;margin:0;white-space:pre;color:transparent;font-size:12px!important;pointer-events:none;user-select:none}' +
      '.p[data-nogl] .s{color:#646464}' +
      '.p[data-nogl] .m,.p[data-nogl] .m a{color:#1f1f1f}.p .n{position:absolute;left:0;right:0;top:0;margin:0;' +
      'padding:12px 16px;background:#1f6f43;color:#fff;font:14px/1.4 system-ui,sans-serif}' +
      '.p .m::before{content:attr(data-who);position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}' +
      '.p ::selection{background:rgba(9,88,217,.32)}.p .v ::selection{background:rgba(255,255,255,.5)}' +
      // Twins of the drawn controls: no pixels of their own but the focus ring, white inside dark blue.
      '.p .t{position:absolute;margin:0;padding:0;border:0;background:none;pointer-events:none;border-radius:8px}' +
      '.p .t:focus-visible,.p .m a:focus-visible{outline:2px solid transparent;box-shadow:0 0 0 2px #fff,0 0 0 4px #003eb3}';
    if (L.root.adoptedStyleSheets && w.CSSStyleSheet) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      L.root.adoptedStyleSheets = L.root.adoptedStyleSheets.concat([sheet]);
    } else {
      var st = d.createElement('style'); st.textContent = css; L.root.appendChild(st);
    }
    var panel = d.createElement('div');
    panel.className = 'p';
    panel.setAttribute('role', 'dialog');
    L.root.appendChild(panel);
    panel.tabIndex = -1;
    var canvas = el('canvas');
    canvas.tabIndex = -1; // Tab goes through the controls' twins instead
    canvas.setAttribute('aria-hidden', 'true');
    // The WebGL context (the GPU side's set-up, tens of ms) is made now, while the wasm may still download
    // and compile; the app's own getContext then gets this one. Attributes as imgui_impl_webgl.cpp asks.
    try {
      canvas.getContext('webgl2', { alpha: true, premultipliedAlpha: true, antialias: false, depth: false, stencil: false,
        preserveDrawingBuffer: true, powerPreference: 'default', failIfMajorPerformanceCaveat: false });
    } catch (e) { /* none: the app tries WebGL1, then Canvas 2D */ }
    var remoteVideo = el('video'), localVideo = el('video'), audio = el('audio');
    // DOM order is the visual order: header and call bar, the conversation, emoji, composer, send.
    var zones = [el('div'), el('div', 'x'), el('div')];
    remoteVideo.className = 'kefu-remote'; localVideo.className = 'kefu-local';
    [remoteVideo, localVideo].forEach(function (v) { v.autoplay = true; v.playsInline = true; v.setAttribute('playsinline', ''); });
    localVideo.muted = true;
    audio.autoplay = true;
    var composer = el('textarea');
    composer.rows = 1;
    zones.push(el('div'));
    var log = zones[1], sizer = el('div', 'h', log), zh = function () { return /^zh/i.test(cfg.lang); };
    log.setAttribute('role', 'log');
    log.setAttribute('aria-live', 'off'); // until the first conversation is in: history is not news
    log.tabIndex = 0; // a keyboard reaches and scrolls the conversation

    // Places an element; `keepDisplay` leaves showing/hiding to its class (the panel: open or not).
    function box(e, r, keepDisplay) {
      if (!keepDisplay) e.style.display = r ? 'block' : 'none';
      if (!r) return;
      e.style.left = r.x + 'px'; e.style.top = r.y + 'px';
      e.style.width = r.w + 'px'; e.style.height = r.h + 'px';
    }
    function frame(now) {
      frameQueued = false;
      if (!app) return;
      frames++;
      if (frames === 1) mark('first-frame');
      var t = performance.now(), more = app.frame(now);
      frameMs += performance.now() - t;
      if (frames === 1) setTimeout(askPerms, 0);
      if (more) requestFrame();
    }
    function requestFrame() {
      if (!frameQueued) { frameQueued = true; w.requestAnimationFrame(frame); }
    }
    // A page that sets CSS `zoom` (on <html> or <body>) scales everything of ours by it: the panel is laid
    // out in the page's zoomed px, so it stays inside the window, and drawn at the resulting pixel ratio.
    var zoom = 1;
    function viewport() {
      var vv = w.visualViewport;
      zoom = K.__zoom ? K.__zoom(L.root.host) : 1;
      app.viewport((vv ? vv.width : w.innerWidth) / zoom, (vv ? vv.height : w.innerHeight) / zoom, (w.devicePixelRatio || 1) * zoom);
    }

    // Page views for the agent's visitor panel (README "What the widget sends").
    var page = { ws: null, sent: '' };
    var here = function () { return w.location.href.split('#')[0] + '\n' + d.title.slice(0, 300); };
    var tz = null;
    function sendPage() {
      var ws = page.ws, r = d.referrer, v;
      if (!ws || ws.readyState !== 1 || !/^https?:$/.test(w.location.protocol)) return;
      // The first Intl use loads the browser's locale data (~30 ms): once, and never on the way to a frame.
      if (tz === null) try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { tz = ''; }
      v = (page.sent = here()).split('\n');
      ws.send(JSON.stringify({ type: 'page', data: { url: v[0], title: v[1], referrer: /^https?:/.test(r) ? r.slice(0, 2048) : '', lang: navigator.language || '', tz: tz, tzOffset: new Date().getTimezoneOffset() } }));
    }
    function pageHello(e) {
      if (typeof e.data === 'string' && e.data.lastIndexOf('{"type":"hello"', 0) === 0) {
        page.ws = e.target;
        if (w.requestIdleCallback) w.requestIdleCallback(sendPage, { timeout: 1000 }); else setTimeout(sendPage, 100);
      }
    }
    setInterval(function () { if (page.ws && here() !== page.sent) sendPage(); }, 2000);

    // --- handle tables -------------------------------------------------------------------------------------
    var sockets = {}, timers = {}, streams = {}, pcs = {}, nextStream = 1, unloading = false, held = null;
    // Permission states, kept current: a visitor who already allowed the microphone gets no prompt, so the
    // agent can be rung while getUserMedia runs (the core asks through permGranted).
    // Asked once the first frame is on screen (two queries cost ~10 ms, which the first open cannot spare).
    var perm = { microphone: 'prompt', camera: 'prompt' }, permAsked = false;
    function askPerms() {
      if (permAsked) return;
      permAsked = true;
      try {
        ['microphone', 'camera'].forEach(function (n) {
          navigator.permissions.query({ name: n }).then(function (st) {
            perm[n] = st.state;
            st.onchange = function () { perm[n] = st.state; };
          }, function () { /* unknown name in this browser: stays "prompt" */ });
        });
      } catch (e) { /* no Permissions API */ }
    }
    function putStream(s) {
      for (var k in streams) if (streams[k] === s) return +k;
      streams[nextStream] = s;
      return nextStream++;
    }
    var rc = d.createElement('canvas'), rctx = rc.getContext('2d', { willReadFrequently: true });
    var family = 'system-ui,-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei",' +
      '"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif,"Noto Color Emoji","Apple Color Emoji","Segoe UI Emoji"';
    // Emoji fonts go first only for emoji: they also carry digits, which must stay plain text.
    var emojiFamily = '"Apple Color Emoji","Segoe UI Emoji","Noto Color Emoji",';
    // A glyph is a code point or a whole grapheme cluster (👨‍👩‍👧‍👦, 1️⃣, ❤️): emoji if any part of it is.
    var emojiRe = /[\u{1F000}-\u{1FAFF}\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u20E3]/u;
    composer.style.fontFamily = family; // the bubbles' family and size (14 px; 16 on phones: no zoom on focus)
    function font(bold, px, t) { return (bold ? '600 ' : '') + px + 'px ' + (emojiRe.test(t) ? emojiFamily : '') + family; }
    // Setting a context's font parses the string and looks the font up each time, even when unchanged.
    var rcFont = '';
    function useFont(f) { if (f !== rcFont) rctx.font = rcFont = f; }
    var rtcResult = function (req) {
      return [function (v) { app && app.onRtcResult(req, true, v == null ? '' : String(v)); },
              function (e) { app && app.onRtcResult(req, false, String((e && (e.name + ': ' + e.message)) || e)); }];
    };

    function openable(href) {
      var u;
      try { u = new URL(href); } catch (e) { return ''; }
      return /^(https?|mailto|tel):$/.test(u.protocol) ? u.href : '';
    }
    var place = function (e, r) {
      e.style.left = r[0] + 'px'; e.style.top = r[1] + 'px'; e.style.width = r[2] + 'px';
      if (r[3] != null) e.style.height = r[3] + 'px';
    };
    // Keeps `parent`'s keyed children as `items` say, reusing nodes: a kept node keeps the selection in it,
    // its focus and its place in the screen reader's log (so a message is announced once).
    function sync(parent, items, make, update, from) {
      var old = parent.k || {}, now = {}, at = from ? from.nextSibling : parent.firstChild, fresh = 0, prepended = false;
      items.forEach(function (it) {
        var n = old[it.k];
        if (!n) { n = make(it); fresh++; } else if (fresh) prepended = true;
        now[it.k] = n;
        update(n, it);
        if (n !== at) parent.insertBefore(n, at); else at = at.nextSibling;
      });
      for (var k in old) {
        if (now[k]) continue;
        if (old[k].contains(L.root.activeElement)) (composer.disabled ? log : composer).focus({ preventScroll: true });
        old[k].remove();
      }
      parent.k = now;
      return prepended;
    }
    function twin(c) {
      var b = d.createElement('button');
      b.type = 'button'; b.className = 't';
      b.addEventListener('click', function () { app && app.activate(c.k); });
      // The "新消息 ↓" pill floats over the conversation, whose words take the pointer: its twin takes the click.
      if (c.k === 'newmsg') { b.style.pointerEvents = 'auto'; b.style.cursor = 'pointer'; }
      return b;
    }
    function twinUpdate(b, c) {
      if (b.getAttribute('aria-label') !== c.l) b.setAttribute('aria-label', c.l);
      b.setAttribute('aria-disabled', c.e ? 'false' : 'true');
      if (K.__why) K.__why(b, c.e ? '' : c.d || '');
      place(b, c.r);
    }
    function run(r) {
      // The text in a <bdi>: bidi controls a visitor or agent put in it stay inside it.
      var m = d.createElement('div'), sp = d.createElement('bdi');
      m.className = r.f > 2 ? 's' : 'm' + (r.f === 0 ? ' v' : '');
      m.appendChild(sp);
      r.p.forEach(function (t, i) {
        var href = i % 2 ? openable(r.h[(i - 1) / 2]) : '';
        if (!href) { sp.appendChild(d.createTextNode(t)); return; }
        var a = d.createElement('a');
        a.href = href; a.target = '_blank'; a.rel = 'noopener noreferrer';
        a.textContent = t;
        sp.appendChild(a);
      });
      return m;
    }
    var who = [['You', 'Agent', 'Notice'], ['我', '客服', '系统']];
    function runUpdate(m, r) {
      if (r.f > 2) { if (m.textContent !== r.p[0]) m.firstChild.textContent = r.p[0]; } // 已送达 → 已读 in place
      else m.setAttribute('data-who', who[zh() ? 1 : 0][r.f] + (zh() ? '：' : ': '));
      place(m, r.r.slice(0, 3));
    }
    var notes = null, layerSet = -1, userScrollAt = 0, liveTimer = 0, modalOn = false, wasOpen = false, inerted = [];
    // The drawn text and controls as the C++ side laid them out (once per layout change, not per frame).
    function mirror(json) {
      var j = JSON.parse(json), f = font(false, 14, '').replace(/px /, 'px/' + j.hl[1] + 'px ');
      place(log, j.list);
      panel.style.setProperty('--kt', j.list[1] + 'px'); // under the header, however tall it grew
      sizer.style.height = j.hl[0] + 'px';
      log.setAttribute('aria-label', zh() ? '对话记录' : 'Conversation');
      var items = [], byZone = [[], [], [], []];
      j.c.forEach(function (c) { c.y = c.r[1]; byZone[c.z].push(c); });
      j.runs.forEach(function (r) { r.k = r.f > 2 ? 's:' + r.i : 'm:' + r.i + ':' + r.p.join(''); r.y = r.r[1]; items.push(r); });
      items = items.concat(byZone[1]).sort(function (a, b) { return a.y - b.y; });
      // Header and call bar in reading order: row by row, left to right (the call bar draws right to left).
      byZone[0].sort(function (a, b) { return Math.round(a.y + a.r[3] / 2) - Math.round(b.y + b.r[3] / 2) || a.r[0] - b.r[0]; });
      [0, 2, 3].forEach(function (z) { sync(zones[z], byZone[z], twin, twinUpdate); });
      if (K.__notes) (notes = notes || K.__notes(panel, zones))(j.s || [], f); // status_text.js
      var prepended = sync(log, items, function (it) { return it.p ? run(it) : twin(it); },
        function (n, it) { if (it.p) { n.style.font = f; runUpdate(n, it); } else twinUpdate(n, it); }, sizer);
      // Older history coming in above is not news either; new messages at the end are, once each.
      if (prepended || !liveTimer) {
        log.setAttribute('aria-live', 'off');
        clearTimeout(liveTimer);
        liveTimer = setTimeout(function () { log.setAttribute('aria-live', 'polite'); }, 500);
      }
      if (selx) selx.laidOut(); // the selected text may have moved
    }
    // On a phone the panel fills the screen: nothing behind it is reachable, and closing returns to the launcher.
    function modal(l) {
      var on = !!(l.open && l.fullscreen), host = L.root.host || L.root;
      if (on !== modalOn) {
        modalOn = on;
        if (on) {
          [].forEach.call(d.body.children, function (c) { if (c !== host && !c.inert) { c.inert = true; inerted.push(c); } });
        } else {
          inerted.splice(0).forEach(function (c) { c.inert = false; });
        }
        L.launcher.inert = on;
        if (on) panel.setAttribute('aria-modal', 'true'); else panel.removeAttribute('aria-modal');
      }
      if (l.open && !wasOpen && l.fullscreen) setTimeout(function () { panel.focus({ preventScroll: true }); });
      if (!l.open && wasOpen) {
        var a = L.root.activeElement;
        if (!a || panel.contains(a) || d.activeElement === d.body) L.launcher.focus({ preventScroll: true });
      }
      wasOpen = !!l.open;
    }

    var glue = {
      requestFrame: requestFrame,
      emit: function (name, json) { L.emit(name, json ? JSON.parse(json) : undefined); },
      setUnread: function (n) { L.setUnread(n); },
      store: function (key, value) {
        try { if (value === '') localStorage.removeItem('kefu:' + key); else localStorage.setItem('kefu:' + key, value); } catch (e) { /* private mode */ }
      },
      load: function (key) { try { return localStorage.getItem('kefu:' + key) || ''; } catch (e) { return ''; } },
      warn: function (msg) { console.warn('[kefu] ' + msg); },
      layout: function (json) {
        var l = JSON.parse(json);
        modal(l);
        if (ext) ext.layout(l);
        panel.className = 'p' + (l.open ? ' o' : '') + (l.fullscreen ? ' f' : '');
        box(panel, l.panel, true);
        var dpr = (w.devicePixelRatio || 1) * zoom;
        canvas.style.width = l.panel.w + 'px'; canvas.style.height = l.panel.h + 'px';
        var cw = Math.round(l.panel.w * dpr), ch = Math.round(l.panel.h * dpr);
        if (canvas.width !== cw || canvas.height !== ch) { canvas.width = cw; canvas.height = ch; }
        box(composer, l.composer);
        composer.placeholder = l.placeholder || '';
        composer.disabled = !!l.composerDisabled;
        box(remoteVideo, l.remoteVideo);
        box(localVideo, l.localVideo);
        panel.setAttribute('aria-label', l.title || '');
        L.launcher.setAttribute('aria-expanded', l.open ? 'true' : 'false');
        if (l.open && l.focusComposer && d.activeElement !== composer && !l.fullscreen) composer.focus({ preventScroll: true });
      },
      mirror: mirror,
      // No WebGL: the Canvas 2D renderer is a file of its own, fetched only now. Without it (app.cpp emits
      // `error` no_webgl) nothing is drawn, so the text layer's words show under a line that says why.
      canvas2d: function () {
        var sc = d.createElement('script'), done = function () {
          var r = K.__canvas2d && K.__canvas2d(canvas);
          if (!r) {
            panel.setAttribute('data-nogl', '');
            el('p', 'n').textContent = zh() ? '此浏览器不支持 WebGL，聊天窗口只能以文字显示。'
              : 'This browser has no WebGL: the chat is shown as plain text.';
          }
          app.useCanvas2d(r || null);
        };
        sc.src = cfg.assets + 'kefu-canvas2d.js';
        sc.onload = sc.onerror = done;
        d.head.appendChild(sc);
      },
      layerScroll: function (y) {
        if (performance.now() - userScrollAt < 250) return; // the visitor is scrolling the layer: it leads
        log.scrollTop = y;
        layerSet = log.scrollTop;
      },
      composerText: function () { return composer.value; },
      composerSet: function (t) { composer.value = t; },
      composerInsert: function (t) {
        var a = composer.selectionStart, b = composer.selectionEnd;
        composer.setRangeText(t, a, b, 'end');
        composer.focus();
        app.composerInput(composer.value);
      },
      setCursor: function (c) { canvas.style.cursor = c; },
      // A link in a message was clicked. Only http(s), mailto and tel ever open, in a new tab that cannot
      // reach back to this page; the core checked it too.
      enlarge: function () { if (callx) callx.enlarge(); }, // the call bar's control (call_extras.js)
      openLink: function (href) { var u = openable(href); if (u) w.open(u, '_blank', 'noopener,noreferrer'); },
      attention: function (n) {
        // Blink the page title while agent messages wait unseen; stops once the visitor looks.
        if (titleTimer || n <= 0) return;
        var original = d.title, on = false, label = /^zh/i.test(cfg.lang) ? '【新消息】' : '(New message) ';
        var stop = function () {
          clearInterval(titleTimer); titleTimer = 0; d.title = original;
          w.removeEventListener('focus', stop); K.off('open', stop);
        };
        titleTimer = setInterval(function () { on = !on; d.title = on ? label + original : original; }, 1000);
        w.addEventListener('focus', stop);
        K.on('open', stop);
      },
      title: function (t) { d.title = t; },
      docTitle: function () { return d.title; },
      focused: function () { return d.hasFocus(); },
      // timers
      timer: function (id, ms) { timers[id] = setTimeout(function () { delete timers[id]; app && app.onTimer(id); }, ms); },
      clearTimer: function (id) { clearTimeout(timers[id]); delete timers[id]; },
      // network
      wsOpen: function (id, url) {
        if (held) { held.push({ id: id, f: function () { glue.wsOpen(id, url); } }); return; }
        var ws;
        try { ws = new WebSocket(url); } catch (e) { setTimeout(function () { app.onSocketClose(id, 1006); }); return; }
        sockets[id] = ws;
        ws.onopen = function () { app.onSocketOpen(id); };
        ws.onmessage = function (e) { if (typeof e.data === 'string') { if (ext) ext.frame(e.data); app.onSocketMessage(id, e.data); } };
        ws.onclose = function (e) { if (sockets[id] === ws) { delete sockets[id]; app.onSocketClose(id, e.code); } };
        if (/\/ws\/visitor$/.test(url)) ws.addEventListener('message', pageHello);
      },
      wsSend: function (id, text) { var ws = sockets[id]; if (ws && ws.readyState === 1) ws.send(text); },
      wsClose: function (id) {
        if (held) held = held.filter(function (h) { return h.id !== id; });
        var ws = sockets[id]; delete sockets[id]; if (ws) try { ws.close(); } catch (e) { /* closing */ } },
      http: function (id, method, url, body, bearer, keepalive) {
        if (held && !unloading) { held.push({ id: -1, f: function () { glue.http(id, method, url, body, bearer, keepalive); } }); return; }
        var h = { 'Content-Type': 'application/json' };
        if (ext) url = ext.url(url);
        if (bearer) h.Authorization = 'Bearer ' + bearer;
        // keepalive only while the page unloads (the hang-up must still reach the server): it costs a few
        // milliseconds per request, which a ring cannot spare.
        // No request may hang for ever (a pooled connection whose address went away): 20 s, then status 0.
        var ac = !unloading && w.AbortController ? new AbortController() : null;
        var t = ac && setTimeout(function () { ac.abort(); }, 20000);
        fetch(url, { method: method, headers: h, body: body || undefined, keepalive: !!keepalive || unloading, credentials: 'omit', signal: ac ? ac.signal : undefined })
          .then(function (r) { return r.text().then(function (x) { clearTimeout(t); if (ext) ext.http(url, r.status, x); app.onHttp(id, r.status, x); }); })
          .catch(function () { clearTimeout(t); app.onHttp(id, 0, ''); });
      },
      // glyphs: their texts come joined by '\n', the numbers in and out as typed views of wasm memory
      measure: function (bold, px, texts, out) {
        texts.split('\n').forEach(function (t, i) { useFont(font(bold, px, t)); out[i] = rctx.measureText(t).width; });
      },
      raster: function (bold, px, cellH, texts, xs, ys, widths, view, stride, colored) {
        // All glyphs side by side in one strip, read back once: getImageData is the slow part.
        var cps = texts.split('\n'), total = widths.reduce(function (a, b) { return a + b; }, 0) || 1;
        if (rc.width < total || rc.height < cellH) { rc.width = Math.max(rc.width, total); rc.height = Math.max(rc.height, cellH); rcFont = ''; }
        rctx.clearRect(0, 0, total, cellH);
        rctx.textBaseline = 'middle';
        rctx.fillStyle = '#fff';
        var left = [], x0 = 0, i;
        for (i = 0; i < cps.length; i++) {
          left.push(x0);
          useFont(font(bold, px, cps[i]));
          rctx.save();
          rctx.beginPath();
          rctx.rect(x0, 0, widths[i], cellH);
          rctx.clip();
          rctx.fillText(cps[i], x0 + 1, cellH / 2);
          rctx.restore();
          x0 += widths[i];
        }
        var px4 = rctx.getImageData(0, 0, total, cellH).data, row = total * 4;
        // Little-endian RGBA as 32-bit words: alpha is the top byte (the atlas rows are 4-byte aligned).
        var h32 = new Uint32Array(view.buffer), s32 = new Uint32Array(px4.buffer, px4.byteOffset, px4.length >> 2);
        for (i = 0; i < cps.length; i++) {
          var gw = widths[i], sx = left[i] * 4, col = false, x, y, j;
          for (y = 0; y < cellH && !col; y++) {
            for (x = 0, j = y * row + sx; x < gw; x++, j += 4) {
              if (px4[j + 3] > 24 && (px4[j] !== px4[j + 1] || px4[j + 1] !== px4[j + 2])) { col = true; break; }
            }
          }
          // Whole rows at once (a colour glyph as it is, plain text as white with its alpha, four bytes
          // per write): byte by byte this copy was most of the first open's time.
          for (y = 0; y < cellH; y++) {
            var o = ((ys[i] + y) * stride + xs[i]) * 4, src = y * row + sx;
            if (col) { view.set(px4.subarray(src, src + gw * 4), o); continue; }
            for (x = 0, o = (view.byteOffset + o) >> 2, src >>= 2; x < gw; x++) h32[o + x] = s32[src + x] | 0xFFFFFF;
          }
          colored[i] = col ? 1 : 0;
        }
      },
      // media
      permGranted: function (video) {
        askPerms();
        return !!(w.isSecureContext && navigator.mediaDevices) && perm.microphone === 'granted' && (!video || perm.camera === 'granted');
      },
      gum: function (req, wantAudio, wantVideo) {
        var md = navigator.mediaDevices;
        if (!md || !md.getUserMedia || !w.isSecureContext) {
          setTimeout(function () { app.onMedia(req, JSON.stringify({ ok: false, error: 'Unsupported' })); });
          return;
        }
        md.getUserMedia({
          audio: wantAudio ? { noiseSuppression: true, echoCancellation: true } : false,
          video: wantVideo ? { width: { ideal: 640 }, height: { ideal: 480 } } : false
        }).then(function (s) {
          app.onMedia(req, JSON.stringify({ ok: true, stream: putStream(s), audio: s.getAudioTracks().length > 0, video: s.getVideoTracks().length > 0 }));
        }, function (e) {
          app.onMedia(req, JSON.stringify({ ok: false, error: e.name || 'Error', message: e.message || '' }));
        });
      },
      streamStop: function (sid) {
        var s = streams[sid];
        if (s) s.getTracks().forEach(function (t) { t.stop(); });
        delete streams[sid];
      },
      trackEnable: function (sid, kind, on) {
        var s = streams[sid];
        if (s) s.getTracks().forEach(function (t) { if (t.kind === kind) t.enabled = on; });
      },
      attach: function (role, sid) {
        var s = streams[sid] || null;
        var e = role === 'local' ? localVideo : role === 'audio' ? audio : remoteVideo;
        if (e.srcObject !== s) e.srcObject = s;
        if (s) { var p = e.play(); if (p && p.catch) p.catch(function () { /* autoplay policy: plays on next gesture */ }); }
      },
      pcNew: function (id, ice) {
        var pc = new RTCPeerConnection({ iceServers: JSON.parse(ice || '[]') });
        var ev = function (n, v) { app && pcs[id] && app.onRtcEvent(id, n, v); };
        pcs[id] = { pc: pc, dc: null };
        pc.onicecandidate = function (e) { if (e.candidate && e.candidate.candidate) ev('candidate', JSON.stringify(e.candidate.toJSON())); };
        pc.oniceconnectionstatechange = function () { ev('ice', pc.iceConnectionState); };
        pc.onconnectionstatechange = function () { ev('connection', pc.connectionState); };
        pc.ontrack = function (e) { ev('track', e.track.kind + ':' + putStream(e.streams[0] || new MediaStream([e.track]))); };
      },
      pcSlots: function (id, audio, video) {
        var p = pcs[id];
        if (!p) return;
        var ph = new MediaStream();
        p.tx = {};
        if (audio) p.tx.audio = p.pc.addTransceiver('audio', { direction: 'sendrecv', streams: [ph] });
        if (video) p.tx.video = p.pc.addTransceiver('video', { direction: 'sendrecv', streams: [ph] });
      },
      pcFill: function (id, sid) {
        var p = pcs[id], s = streams[sid];
        if (!p || !s || !p.tx) return;
        ['audio', 'video'].forEach(function (k) {
          var t = k === 'audio' ? s.getAudioTracks()[0] : s.getVideoTracks()[0];
          if (p.tx[k] && t) p.tx[k].sender.replaceTrack(t).catch(function (e) { console.warn('kefu: replaceTrack', e); });
        });
      },
      pcAddRecv: function (id, kind) { var p = pcs[id]; if (p) p.pc.addTransceiver(kind, { direction: 'recvonly' }); },
      pcChannel: function (id, label) {
        var p = pcs[id];
        if (!p) return;
        var dc = p.dc = p.pc.createDataChannel(label, { ordered: false });
        dc.onopen = function () { app && pcs[id] && app.onRtcEvent(id, 'dcopen', ''); };
        dc.onclose = function () { app && pcs[id] && app.onRtcEvent(id, 'dcclose', ''); };
      },
      pcOffer: function (id, req) {
        var r = rtcResult(req), p = pcs[id];
        if (!p) return r[1]('closed');
        p.pc.createOffer().then(function (o) { r[0](o.sdp); }, r[1]);
      },
      pcLocal: function (id, req, type, sdp) {
        var r = rtcResult(req), p = pcs[id];
        if (!p) return r[1]('closed');
        p.pc.setLocalDescription({ type: type, sdp: sdp }).then(function () { r[0](''); }, r[1]);
      },
      pcRemote: function (id, req, type, sdp) {
        var r = rtcResult(req), p = pcs[id];
        if (!p) return r[1]('closed');
        p.pc.setRemoteDescription({ type: type, sdp: sdp }).then(function () { r[0](''); }, r[1]);
      },
      pcCandidate: function (id, req, json) {
        var r = rtcResult(req), p = pcs[id];
        if (!p) return r[1]('closed');
        var c;
        try { c = JSON.parse(json); } catch (e) { return r[1](e); }
        p.pc.addIceCandidate(c).then(function () { r[0](''); }, r[1]);
      },
      pcRestartIce: function (id) { var p = pcs[id]; if (p && p.pc.restartIce) p.pc.restartIce(); },
      pcClose: function (id) {
        var p = pcs[id];
        delete pcs[id];
        if (!p) return;
        try { if (p.dc) p.dc.close(); p.pc.close(); } catch (e) { /* already closed */ }
      }
    };

    // Branding and the 留言 card (web/away.js).
    var ext = K.__away ? K.__away({ cfg: cfg, root: L.root, panel: panel, launcher: L.launcher, emit: L.emit,
      app: function () { return app; }, token: function () { return glue.load(cfg.server + ':token'); },
      store: function (k, v) { glue.store(cfg.server + ':' + k, v); } }) : null;

    // An agent's call-back rings (`call` event "incoming"): a soft 440+480 Hz ring, 1 s on, 2 s off,
    // synthesized with WebAudio (no asset), and only on a page the visitor has already used (a click or a
    // key), never as the first thing a page does. Any other call state stops it.
    var used = false, ringing = null;
    ['pointerdown', 'keydown'].forEach(function (n) { d.addEventListener(n, function () { used = true; }, true); });
    K.on('call', function (e) {
      var AC = w.AudioContext || w.webkitAudioContext, ua = navigator.userActivation;
      if (ringing) { try { ringing.close(); } catch (x) { /* closed */ } ringing = null; }
      if (!e || e.state !== 'incoming' || !AC || !(used || (ua && ua.hasBeenActive))) return;
      var ac = ringing = new AC(), g = ac.createGain(), t = ac.currentTime;
      g.gain.value = 0;
      g.connect(ac.destination);
      [440, 480].forEach(function (f) { var o = ac.createOscillator(); o.frequency.value = f; o.connect(g); o.start(); });
      for (var i = 0; i < 14; i++) { g.gain.setTargetAtTime(0.06, t + 3 * i, 0.02); g.gain.setTargetAtTime(0, t + 3 * i + 1, 0.02); }
    });

    var settings = {};
    for (var k in cfg) settings[k] = cfg[k];
    settings.token = glue.load(settings.server + ':token');
    settings.visitorId = glue.load(settings.server + ':visitor');
    settings.outbox = glue.load(settings.server + ':outbox');
    settings.call = glue.load(settings.server + ':call'); // a call the page before handed over
    settings.readSeq = glue.load(settings.server + ':read');
    settings.secure = !!w.isSecureContext;
    settings.tzOffsetMin = -new Date().getTimezoneOffset();
    settings.hasMedia = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
    // Some builds (a WebKitGTK without WebRTC) have no RTCPeerConnection: the core then offers no calls.
    settings.hasRtc = typeof w.RTCPeerConnection === 'function';

    return KefuModule({
      canvas: canvas,
      locateFile: function (f) { return cfg.assets + f; },
      // The loader started downloading the wasm alongside this script (an older loader: compiling it too).
      instantiateWasm: L.wasmFetch || L.wasm ? function (imports, done) {
        (L.wasmFetch ? L.wasmFetch.then(function (r) { return WebAssembly.instantiateStreaming(r, imports); })
          : L.wasm.then(function (m) { return WebAssembly.instantiate(m, imports).then(function (i) { return { instance: i, module: m }; }); }))
          .then(function (r) { done(r.instance, r.module); })
          .catch(function (e) { L.fail(e && e.message || e); });
        return {};
      } : undefined,
      onAbort: function (why) { L.fail('abort: ' + why); }
    }).then(function (M) {
      mark('wasm-ready');
      if (K.__preview && L.preview) L.preview(K.__preview); // launcher_preview.js: replies by the closed launcher
      app = new M.App(glue);
      if (ext) ext.ready();
      callx = K.__callx && K.__callx({ app: app, pcs: pcs, panel: panel, remoteVideo: remoteVideo, localVideo: localVideo, lang: cfg.lang });
      selx = K.__selx && K.__selx({ app: app, log: log, root: L.root });
      mark('app-created');
      setTimeout(askPerms, 1500); // also when nothing is drawn soon (the app loaded while idle)
      // For tests: the lines a message text is broken into in a bubble, with the width and font used.
      K.__lines = function (text) {
        var r = JSON.parse(app.debugLines(String(text)));
        r.font = font(false, r.fontPx, '');
        return r;
      };
      // Events from the page.
      var pt = function (e) {
        var r = canvas.getBoundingClientRect();
        app.pointer((e.clientX - r.left) / zoom, (e.clientY - r.top) / zoom, e.pointerType === 'touch', e.timeStamp || performance.now());
      };
      canvas.addEventListener('pointermove', function (e) { pt(e); });
      canvas.addEventListener('pointerdown', function (e) {
        pt(e);
        try { canvas.setPointerCapture(e.pointerId); } catch (x) { /* synthetic */ }
        app.button(e.button, true);
      });
      canvas.addEventListener('pointerup', function (e) { pt(e); app.button(e.button, false); });
      canvas.addEventListener('pointercancel', function () { app.button(0, false); });
      // A tap that closes the panel must not click whatever lies under it once it is gone.
      canvas.addEventListener('touchend', function (e) { e.preventDefault(); }, { passive: false });
      canvas.addEventListener('pointerleave', function (e) { if (e.pointerType !== 'touch') app.pointer(-1e6, -1e6, false, e.timeStamp); });
      var wheel = function (e) {
        e.preventDefault();
        var k = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
        app.wheel(e.deltaX * k, e.deltaY * k);
      };
      canvas.addEventListener('wheel', wheel, { passive: false });
      // The text layer: the wheel scrolls the list as over the canvas; a finger on text scrolls it too (a
      // long press still selects); its own scrolling (find-in-page, focus, keys) moves the list.
      log.addEventListener('wheel', wheel, { passive: false });
      ['pointerdown', 'pointermove', 'pointerup', 'pointercancel'].forEach(function (n) {
        log.addEventListener(n, function (e) {
          if (e.pointerType !== 'touch') return;
          pt(e);
          if (n !== 'pointermove') app.button(0, n === 'pointerdown');
        });
      });
      // A long press on a message selects its text (touch_select.js); the press then clicks nothing.
      if (K.__touchSelect) K.__touchSelect(log, L.root, function () { app.pointer(-1e6, -1e6, false, performance.now()); app.button(0, false); });
      // A match found in the conversation (window.find, a screen reader's cursor) is scrolled into view; the
      // browser's own find bar scrolls the layer itself. Not while the mouse is selecting: that autoscrolls.
      var dragging = false;
      log.addEventListener('pointerdown', function () { dragging = true; });
      w.addEventListener('pointerup', function () { dragging = false; }, true);
      d.addEventListener('selectionchange', function () {
        var s = L.root.getSelection ? L.root.getSelection() : d.getSelection(), m = s && s.focusNode;
        if (dragging || !m || !log.contains(m)) return;
        while (m && m.parentNode !== log) m = m.parentNode;
        if (!m || m === sizer) return;
        if (m.offsetTop < log.scrollTop || m.offsetTop + m.offsetHeight > log.scrollTop + log.clientHeight)
          log.scrollTop = Math.max(0, m.offsetTop - log.clientHeight / 3);
      });
      log.addEventListener('scroll', function () {
        if (Math.abs(log.scrollTop - layerSet) < 1) return;
        userScrollAt = performance.now();
        layerSet = log.scrollTop;
        app.scrollTo(log.scrollTop);
      });
      // Copying across bubbles puts each message on a line of its own (absolutely placed boxes have no line
      // breaks between them in the browser's own serialization).
      panel.addEventListener('copy', function (e) {
        var s = L.root.getSelection ? L.root.getSelection() : d.getSelection();
        if (!s || !s.rangeCount || !e.clipboardData) return;
        var r = s.getRangeAt(0), parts = [];
        if (!log.contains(r.commonAncestorContainer)) return;
        [].forEach.call(log.children, function (m) {
          if (!m.classList.contains('m') || !r.intersectsNode(m)) return;
          var mr = d.createRange();
          mr.selectNodeContents(m);
          if (r.compareBoundaryPoints(Range.START_TO_START, mr) > 0) mr.setStart(r.startContainer, r.startOffset);
          if (r.compareBoundaryPoints(Range.END_TO_END, mr) < 0) mr.setEnd(r.endContainer, r.endOffset);
          parts.push(mr.toString());
        });
        e.clipboardData.setData('text/plain', parts.join('\n'));
        e.preventDefault();
      });
      panel.addEventListener('keydown', function (e) {
        // (The canvas passes its keys to the app itself.)
        if (e.key === 'Escape' && e.target !== canvas) { app.key('Escape', true, false, false); app.key('Escape', false, false, false); }
        // Select all inside the panel selects the conversation, not the page.
        if ((e.ctrlKey || e.metaKey) && (e.key === 'a' || e.key === 'A') && e.target !== composer) {
          e.preventDefault();
          (L.root.getSelection ? L.root.getSelection() : d.getSelection()).selectAllChildren(log);
        }
      });
      canvas.addEventListener('keydown', function (e) { if (app.key(e.key, true, e.ctrlKey || e.metaKey, e.shiftKey)) e.preventDefault(); });
      canvas.addEventListener('keyup', function (e) { app.key(e.key, false, e.ctrlKey || e.metaKey, e.shiftKey); });
      composer.addEventListener('input', function () { app.composerInput(composer.value); });
      composer.addEventListener('keydown', function (e) {
        if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
        e.preventDefault();
        app.composerEnter(composer.value);
      });
      composer.addEventListener('focus', function () { app.composerFocus(true); });
      composer.addEventListener('blur', function () { app.composerFocus(false); });
      // A lost GPU context comes back: redraw from the C++ side's copy of the glyphs.
      canvas.addEventListener('webglcontextlost', function (e) { e.preventDefault(); });
      canvas.addEventListener('webglcontextrestored', function () { app.contextRestored(); });
      w.addEventListener('resize', viewport);
      if (w.visualViewport) w.visualViewport.addEventListener('resize', viewport);
      w.addEventListener('focus', function () { app.pageFocus(true); });
      w.addEventListener('blur', function () { app.pageFocus(false); });
      d.addEventListener('visibilitychange', function () { app.pageFocus(d.visibilityState === 'visible' && d.hasFocus()); });
      w.addEventListener('pagehide', function () { unloading = true; app.shutdown(); });
      viewport();
      app.start(JSON.stringify(settings));
      // A rejected API promise: an Error whose `code` says why.
      function apiError(code, message) { var e = new Error(message); e.code = code; return e; }
      var impl = {
        // Opening draws at once instead of at the next animation frame.
        open: function () {
          // The first open shows the panel before it connects: sockets and requests it asks for wait until
          // that frame is on screen (after the next animation frame; in a hidden tab, 100 ms).
          var first = frames === 0 && !held;
          if (first) held = [];
          viewport();
          app.setOpen(true);
          frame(performance.now());
          if (first) {
            var go = function () { var q = held; held = null; if (q) q.forEach(function (h) { h.f(); }); };
            w.requestAnimationFrame(function () { setTimeout(go, 0); });
            setTimeout(go, 100);
          }
          return Promise.resolve();
        },
        close: function () { app.setOpen(false); return Promise.resolve(); },
        toggle: function () { return app.isOpen() ? impl.close() : impl.open(); },
        send: function (text) {
          return new Promise(function (res, rej) {
            var r = JSON.parse(app.send(String(text == null ? '' : text)));
            if (r.error) { rej(apiError(r.error, r.message)); return; }
            var done = function (ev) {
              if (ev.id !== r.id) return;
              K.off('sent', done); K.off('sendfailed', done);
              if (ev.error) rej(apiError(ev.error, ev.message)); else res(ev);
            };
            K.on('sent', done); K.on('sendfailed', done);
          });
        },
        setUser: function (u) { app.setUser(JSON.stringify(u || {})); return Promise.resolve(); },
        setLocale: function (l) { cfg.lang = String(l); app.setLocale(String(l)); return Promise.resolve(); },
        call: function (opts) {
          return new Promise(function (res, rej) {
            var r = JSON.parse(app.call(!!(opts && opts.video)));
            if (r.error) { rej(apiError(r.error, r.message || r.error)); return; }
            var watch = function (ev) {
              if (ev.state === 'in-call') { K.off('call', watch); res(ev); }
              else if (ev.state === 'failed' || ev.state === 'ended') { K.off('call', watch); rej(apiError(ev.reason, ev.reason)); }
            };
            K.on('call', watch);
          });
        },
        hangup: function () { app.hangup(); return Promise.resolve(); },
        switchCall: function (opts) {
          return new Promise(function (res, rej) {
            var r = JSON.parse(app.switchCall(!!(opts && opts.video)));
            if (r.error) { rej(apiError(r.error, r.error)); return; }
            if (r.done) { res({ ok: true, video: !!(opts && opts.video), reason: 'none' }); return; }
            var watch = function (ev) {
              K.off('callswitch', watch);
              if (ev.ok) res(ev); else rej(apiError(ev.reason, ev.reason));
            };
            K.on('callswitch', watch);
          });
        },
        messages: function () { return JSON.parse(app.messages()); },
        state: function () {
          var s = JSON.parse(app.state()); s.frames = frames; s.frameMs = Math.round(frameMs * 10) / 10;
          if (K.__c2dMs) s.drawMs = K.__c2dMs(); // the last Canvas 2D redraw (kefu-canvas2d.js)
          if (callx) callx.state(s);
          return s;
        }
      };
      L.ready(impl);
      L.emit('ready', impl.state());
    }, function (e) { L.fail(e && e.message || e); });
  });
})(window, document);
