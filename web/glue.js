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
      // The text layer (text_layer.js): transparent text over the drawn glyphs, so the browser selects,
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
    K.__css(L.root, css); // shadow_css.js
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
    var media = K.__media({ audio: audio, remoteVideo: remoteVideo, localVideo: localVideo }), askPerms = media.askPerms; // media.js
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
    var sockets = {}, timers = {}, unloading = false, held = null;
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

    function openable(href) {
      var u;
      try { u = new URL(href); } catch (e) { return ''; }
      return /^(https?|mailto|tel):$/.test(u.protocol) ? u.href : '';
    }
    var modalOn = false, wasOpen = false, inerted = [];
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

    var layer = K.__layer({ root: L.root, panel: panel, log: log, sizer: sizer, zones: zones, composer: composer, zh: zh,
      font: font, openable: openable, app: function () { return app; }, selx: function () { return selx; } });
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
      mirror: layer.mirror,
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
      layerScroll: layer.scrollTo,
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
      }
    };

    for (var hk in media.handles) glue[hk] = media.handles[hk];

    // Branding and the 留言 card (web/away.js).
    var ext = K.__away ? K.__away({ cfg: cfg, root: L.root, panel: panel, launcher: L.launcher, emit: L.emit,
      app: function () { return app; }, token: function () { return glue.load(cfg.server + ':token'); },
      store: function (k, v) { glue.store(cfg.server + ':' + k, v); } }) : null;

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
      media.setApp(app);
      if (ext) ext.ready();
      callx = K.__callx && K.__callx({ app: app, pcs: media.pcs, panel: panel, remoteVideo: remoteVideo, localVideo: localVideo, lang: cfg.lang });
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
      layer.listen(pt, wheel); // text_layer.js
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
