/* Kefu loader: shows the launcher at once, loads the chat app when the browser is idle or on the first
   click, and queues window.Kefu calls until it is ready. Keep it tiny: it runs on every page view. */
(function (w, d) {
  'use strict';
  if (w.Kefu && w.Kefu.__v) return;
  var me = d.currentScript || d.querySelector('script[src*="kefu.js"]');
  var ds = (me && me.dataset) || {};
  var src = me ? me.src : location.href;
  var cfg = {};
  ['server', 'kefu', 'lang', 'position', 'color', 'peerHost', 'peerPort', 'peerPath', 'peerKey', 'peerSecure', 'iceServers', 'ringTimeout', 'sendTimeout']
    .forEach(function (k) { if (ds[k] != null) cfg[k] = ds[k]; });
  var ks = w.KefuSettings || {};
  for (var k in ks) cfg[k] = ks[k];
  cfg.assets = new URL('.', src).href;
  cfg.server = new URL(cfg.server || '.', src).href.replace(/\/$/, '');
  cfg.lang = cfg.lang || navigator.language || 'en';
  var zh = /^zh/i.test(cfg.lang);

  var handlers = {}, queue = [], app = null, state = 'idle', unread = 0, wasm = null;
  var host = d.createElement('div');
  host.id = 'kefu-root';
  var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
  var css = '.l{position:fixed;bottom:20px;' + (cfg.position === 'left' ? 'left' : 'right') + ':20px;width:60px;height:60px;' +
    'border:0;border-radius:50%;background:#1677ff;color:#fff;cursor:pointer;box-shadow:0 4px 16px rgba(0,0,0,.25);' +
    'z-index:2147483000;display:flex;align-items:center;justify-content:center;padding:0;font:600 12px/1 system-ui,sans-serif}' +
    '.l:focus-visible{outline:3px solid #91caff;outline-offset:2px}.l svg{width:28px;height:28px;fill:currentColor}' +
    '.l[aria-busy=true] svg{animation:p 1s infinite alternate}@keyframes p{to{opacity:.3}}' +
    '.l.e{background:#8c8c8c}.b{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;border-radius:10px;' +
    'background:#f5222d;color:#fff;font:600 12px/20px system-ui,sans-serif;padding:0 5px;box-sizing:border-box}' +
    '.b:empty{display:none}.o{display:none}';
  if (root.adoptedStyleSheets && w.CSSStyleSheet) {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    var st = d.createElement('style'); st.textContent = css; root.appendChild(st);
  }
  var btn = d.createElement('button');
  btn.className = 'l';
  btn.type = 'button';
  var label = zh ? '在线客服' : 'Chat with us';
  // The site's branding as the last page learnt it (web/away.js stores it, checked): no flash of the default.
  var br = {};
  try { br = JSON.parse(localStorage.getItem('kefu:' + cfg.server + ':brand')) || {}; } catch (e) { /* none yet */ }
  if (/^#[0-9a-f]{6}$/i.test(br.c)) btn.style.background = br.c;
  if (typeof br.l === 'string' && br.l && br.l.length <= 20) label = br.l;
  [['x', cfg.position === 'left' ? 'left' : 'right'], ['y', 'bottom']].forEach(function (o) {
    var v = br[o[0]];
    if (typeof v === 'number' && v >= 0 && v <= 400) btn.style[o[1]] = v + 'px';
  });
  var open = false, closeLabel = zh ? '关闭客服' : 'Close chat';
  // The launcher's label: what a click does (open, or close while the panel is open), with the unread count.
  function tag() {
    var l = open ? closeLabel : label + (unread ? ' (' + unread + ')' : '');
    btn.setAttribute('aria-label', l);
    if (state !== 'failed') btn.title = open ? closeLabel : label;
  }
  tag();
  var NS = 'http://www.w3.org/2000/svg', svg = d.createElementNS(NS, 'svg'), path = d.createElementNS(NS, 'path');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  path.setAttribute('d', 'M12 3C6.5 3 2 6.6 2 11c0 2.4 1.3 4.6 3.4 6.1L4.5 21l4.3-2.4c1 .3 2.1.4 3.2.4 5.5 0 10-3.6 10-8s-4.5-8-10-8z');
  svg.appendChild(path);
  var badge = d.createElement('span');
  badge.className = 'b';
  badge.setAttribute('aria-live', 'polite');
  btn.appendChild(svg);
  btn.appendChild(badge);
  root.appendChild(btn);
  var BUBBLE = path.getAttribute('d'), CROSS = 'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12 19 6.4 17.6 5 12 10.6z';

  // The preview of a reply by the closed launcher lives in the app (web/launcher_preview.js); the visitor's
  // first gesture can come before it loads, and decides whether it may chime.
  var used = false, hook = null;
  ['pointerdown', 'keydown'].forEach(function (n) { d.addEventListener(n, function () { used = true; }, true); });

  function emit(name, data) {
    if (name === 'open' || name === 'close') {
      if (name === 'open' && !open && btn.title) label = btn.title; // the site's own label (web/away.js) comes back
      open = name === 'open';
      path.setAttribute('d', open ? CROSS : BUBBLE); // the launcher closes the panel while it is open
      tag();
    }
    if (hook) hook(name, data, open);
    (handlers[name] || []).slice().forEach(function (fn) { try { fn(data); } catch (e) { setTimeout(function () { throw e; }); } });
  }
  function setUnread(n) {
    unread = n;
    badge.textContent = n > 0 ? (n > 99 ? '99+' : String(n)) : '';
    tag();
  }
  function fail(why) {
    state = 'failed';
    btn.removeAttribute('aria-busy');
    btn.className = 'l e';
    btn.title = zh ? '客服暂时无法加载，请稍后重试' : 'Chat could not load. Try again later.';
    badge.textContent = '!';
    queue.splice(0).forEach(function (c) { if (c[3]) c[3](new Error('kefu: ' + why)); });
    emit('error', { code: 'load_failed', message: String(why) });
  }
  function load(opening) {
    if (opening) btn.setAttribute('aria-busy', 'true');
    if (state === 'loading' || state === 'ready') return;
    state = 'loading';
    btn.className = 'l';
    var s = d.createElement('script');
    s.src = cfg.assets + 'kefu-app.js';
    s.async = true;
    s.onerror = function () { fail('script'); };
    d.head.appendChild(s);
    // Fetch the wasm while the script downloads; the app compiles it once its script runs (compiling here
    // held that script back: the streaming compile's work comes first on the page's thread).
    if (w.WebAssembly && WebAssembly.instantiateStreaming) {
      wasm = fetch(cfg.assets + 'kefu-app.wasm', { credentials: 'omit' });
      wasm.catch(function () { /* reported by the app's own load */ });
    }
  }
  function call(name, args) {
    if (app) return app[name].apply(app, args);
    if (state === 'failed' && name !== 'state') state = 'idle';
    if (name === 'open' || name === 'toggle' || name === 'send' || name === 'call') load(name !== 'send');
    return new Promise(function (res, rej) { queue.push([name, args, res, rej]); });
  }
  var api = { __v: 1 };
  ['open', 'close', 'toggle', 'send', 'setUser', 'setLocale', 'call', 'hangup', 'switchCall'].forEach(function (n) {
    api[n] = function () { return call(n, [].slice.call(arguments)); };
  });
  api.on = function (n, fn) { (handlers[n] = handlers[n] || []).push(fn); return api; };
  api.off = function (n, fn) { var h = handlers[n] || []; var i = h.indexOf(fn); if (i >= 0) h.splice(i, 1); return api; };
  api.messages = function () { return app ? app.messages() : []; };
  api.state = function () {
    return app ? app.state() : { ready: false, open: false, connected: false, unread: unread, visitorId: null, call: 'idle', loading: state };
  };
  // Called by the app script once its wasm is running.
  api.__attach = function (boot) {
    return boot(cfg, {
      root: root, launcher: btn, emit: emit, setUnread: setUnread, fail: fail, wasmFetch: wasm,
      preview: function (make) { hook = make({ root: root, launcher: btn, left: cfg.position === 'left', zh: zh, open: api.open, used: function () { return used; } }); },
      ready: function (impl) {
        app = impl;
        state = 'ready';
        btn.removeAttribute('aria-busy');
        queue.splice(0).forEach(function (c) {
          try { Promise.resolve(impl[c[0]].apply(impl, c[1])).then(c[2], c[3]); } catch (e) { c[3](e); }
        });
      }
    });
  };
  w.Kefu = api;
  btn.addEventListener('click', function () { if (app) app.toggle(); else api.open().catch(function () { /* the launcher shows it */ }); });
  btn.addEventListener('pointerenter', function () { load(false); });

  function mount() { d.body.appendChild(host); }
  if (d.body) mount(); else d.addEventListener('DOMContentLoaded', mount);
  var conn = navigator.connection;
  if (!(conn && conn.saveData)) {
    var idle = w.requestIdleCallback || function (f) { return setTimeout(f, 1500); };
    idle(function () { load(false); }, { timeout: 4000 });
  }
})(window, document);
