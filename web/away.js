/* Kefu branding and 留言 (--extern-pre-js; glue.js calls Kefu.__away): colours, label and offsets from
   /api/config; while the group is unavailable a card asks for an e-mail or phone. Everything is checked. */
(function (w, d) {
  'use strict';
  var K = w.Kefu;
  if (!K) return;
  var HEX = /^#[0-9a-fA-F]{6}$/;
  function contrast(hex) {
    var l = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 1.05 / (0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2] + 0.05);
  }
  var str = function (x, max) { return typeof x === 'string' && x.length <= max ? x : ''; };
  var num = function (x) { return typeof x === 'number' && x >= 0 && x <= 400 ? Math.round(x) : 20; };
  function pick(map, lang) {
    if (!map || typeof map !== 'object') return '';
    var keys = Object.keys(map), base = lang.split('-')[0].toLowerCase(), i;
    for (i = 0; i < keys.length; i++) if (keys[i].toLowerCase() === lang.toLowerCase()) return str(map[keys[i]], 2000);
    for (i = 0; i < keys.length; i++) if (keys[i].split('-')[0].toLowerCase() === base) return str(map[keys[i]], 2000);
    return str(map[base === 'zh' ? 'zh-CN' : 'en'], 2000) || str(map[keys[0]], 2000);
  }

  K.__away = function (x) {
    var cfg = x.cfg, lang = String(cfg.lang || 'en'), zh = /^zh/i.test(lang);
    var T = zh ? { f: '邮箱或电话', s: '提交', n: '稍后再说', e: '请填写正确的邮箱地址或电话号码。', k: '已收到，我们会尽快联系您。', w: '提交失败，请稍后再试。', d: '客服暂时无法接待。请留下您的邮箱或电话，我们会尽快联系您。' }
      : { f: 'E-mail or phone', s: 'Send', n: 'Not now', e: 'Please enter a valid e-mail address or phone number.', k: 'Thank you! We will get back to you soon.', w: 'Could not send. Please try again later.', d: 'Nobody can answer right now. Leave your e-mail or phone number and we will get back to you.' };
    var away = { hours: {}, nobody: {} }, offX = 20, offY = 20, why = null, hidden = false, sent = false, inCall = false;
    var brand = HEX.test(cfg.color || '') && contrast(cfg.color) >= 4.5 ? cfg.color : '';
    var card = d.createElement('section'), text = d.createElement('p'), form = d.createElement('form');
    var input = d.createElement('input'), label = d.createElement('label'), send = d.createElement('button');
    var later = d.createElement('button'), note = d.createElement('p');
    card.className = 'aw';
    card.setAttribute('aria-label', zh ? '留言' : 'Leave a message');
    text.className = 'awt';
    text.setAttribute('aria-live', 'polite');
    label.textContent = T.f;
    input.type = 'text'; input.maxLength = 254; input.autocomplete = 'email'; input.name = 'contact';
    label.appendChild(input);
    send.type = 'submit'; send.textContent = T.s;
    later.type = 'button'; later.textContent = T.n; later.className = 'awn';
    note.className = 'awe'; note.setAttribute('role', 'alert');
    [label, send, later, note].forEach(function (e) { form.appendChild(e); });
    card.appendChild(text); card.appendChild(form);
    x.panel.appendChild(card);
    var css = '.aw{position:absolute;left:12px;right:12px;top:72px;display:none;box-sizing:border-box;max-height:60%;overflow:auto;' +
      'background:#fff;border-radius:10px;box-shadow:0 2px 12px #0003;padding:12px 14px;color:#1f1f1f;font:14px/1.5 system-ui,sans-serif;z-index:1}' +
      '.aw.on{display:block}.awt{margin:0 0 8px;white-space:pre-wrap;overflow-wrap:anywhere;line-break:strict}' +
      '.aw label{display:block;font-size:13px;color:#595959}.aw input{display:block;width:100%;box-sizing:border-box;' +
      'margin:4px 0 8px;padding:7px;border:1px solid #bfbfbf;border-radius:6px;font:inherit}' +
      '.aw button{font:inherit;border:0;border-radius:6px;padding:6px 14px;background:var(--kb,#0958d9);color:#fff}' +
      '.aw .awn{background:none;color:#595959}.awe{margin:6px 0 0;color:#cf1322}.awe:empty{display:none}';
    if (x.root.adoptedStyleSheets && w.CSSStyleSheet) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      x.root.adoptedStyleSheets = x.root.adoptedStyleSheets.concat([sheet]);
    } else {
      var st = d.createElement('style'); st.textContent = css; x.root.appendChild(st);
    }

    function show() {
      var on = !!why && !hidden && !inCall;
      card.className = 'aw' + (on ? ' on' : '');
      if (!on) return;
      text.textContent = sent ? T.k : pick(away[why], lang) || T.d;
      form.style.display = sent ? 'none' : '';
    }
    var rgb = null;
    function applyBrand(hex) {
      x.panel.style.setProperty('--kb', hex);
      x.launcher.style.background = hex;
      rgb = parseInt(hex.slice(1), 16);
      if (x.app()) x.app().setBrand(rgb);
    }
    if (brand) applyBrand(brand);

    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var v = input.value.trim(), body = /@/.test(v) ? { email: v } : { phone: v };
      var digits = v.replace(/\D/g, '').length;
      if (!v || (body.email ? !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) : digits < 5 || digits > 15)) { note.textContent = T.e; input.focus(); return; }
      var token = x.token();
      if (!token) { note.textContent = T.w; return; }
      send.disabled = true; note.textContent = '';
      fetch(cfg.server + '/api/visitors/me/contact', {
        method: 'POST', credentials: 'omit', body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token }
      }).then(function (r) {
        send.disabled = false;
        if (r.status === 201) { sent = true; show(); x.emit('contact', body); return; }
        note.textContent = r.status === 400 ? T.e : T.w;
      }, function () { send.disabled = false; note.textContent = T.w; });
    });
    later.addEventListener('click', function () { hidden = true; show(); });

    function status(data) {
      if (!data || typeof data !== 'object') return;
      var u = data.unavailable;
      why = data.online === false ? (u === 'hours' ? 'hours' : 'nobody') : null;
      if (!why) sent = false;
      show();
    }
    return {
      ready: function () { if (rgb !== null) x.app().setBrand(rgb); },
      url: function (u) {
        return /\/api\/config$/.test(u) && typeof cfg.kefu === 'string' && cfg.kefu ? u + '?kefu=' + encodeURIComponent(cfg.kefu.slice(0, 64)) : u;
      },
      http: function (u, code, body) {
        if (!/\/api\/config(\?|$)/.test(u) || code !== 200) return;
        var c;
        try { c = JSON.parse(body); } catch (e) { return; }
        var b = c && c.branding;
        if (!b || typeof b !== 'object') return;
        if (b.away && typeof b.away === 'object') away = { hours: b.away.hours, nobody: b.away.nobody };
        offX = num(b.offsetX); offY = num(b.offsetY);
        var p = str(b.primary, 7), l = pick(b.launcher, lang).slice(0, 20);
        if (!(HEX.test(p) && contrast(p) >= 4.5)) p = '';
        if (!brand && p) applyBrand(p);
        x.store('brand', JSON.stringify({ c: brand || p, l: l, x: offX, y: offY })); // for kefu.js on the next page
        if (l) { x.launcher.setAttribute('aria-label', l); x.launcher.title = l; }
        x.launcher.style[cfg.position === 'left' ? 'left' : 'right'] = offX + 'px';
        x.launcher.style.bottom = offY + 'px';
        show();
      },
      frame: function (t) {
        if (t.indexOf('"status"') < 0 && t.indexOf('"hello"') < 0) return;
        var f;
        try { f = JSON.parse(t); } catch (e) { return; }
        if (!f || typeof f !== 'object') return;
        if (f.type === 'status') status(f.data);
        else if (f.type === 'hello' && f.data && typeof f.data === 'object') status(f.data.kefu);
      },
      layout: function (l) {
        inCall = !!l.remoteVideo || !!l.localVideo;
        if (!l.fullscreen && l.panel) {
          l.panel.x = Math.max(0, l.panel.x + (cfg.position === 'left' ? offX - 20 : 20 - offX));
          l.panel.y = Math.max(0, l.panel.y + 20 - offY);
        }
        show();
      }
    };
  };
})(window, document);
