/* Kefu branding and 留言 (--extern-pre-js; glue.js calls Kefu.__away): colours, label and offsets from
   /api/config; while the group is unavailable (status/hello `unavailable`) the card of kefu-away.js. */
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
    var cfg = x.cfg, lang = String(cfg.lang || 'en');
    var away = { hours: {}, nobody: {} }, offX = 20, offY = 20, why = null, inCall = false, card = null, loading = false;
    var brand = HEX.test(cfg.color || '') && contrast(cfg.color) >= 4.5 ? cfg.color : '';
    // The card is a file of its own (kefu-away.js), fetched only the first time nobody can answer.
    function show() {
      var on = !!why && !inCall;
      if (card) { card.show(on ? why : null, on ? pick(away[why], lang) : ''); return; }
      if (!on || loading) return;
      loading = true;
      var sc = d.createElement('script');
      sc.src = cfg.assets + 'kefu-away.js';
      sc.onload = function () { if (K.__card) { card = K.__card(x, lang); show(); } };
      d.head.appendChild(sc);
    }
    var rgb = null;
    function applyBrand(hex) {
      x.panel.style.setProperty('--kb', hex);
      x.launcher.style.background = hex;
      rgb = parseInt(hex.slice(1), 16);
      if (x.app()) x.app().setBrand(rgb);
    }
    if (brand) applyBrand(brand);

    function status(data) {
      if (!data || typeof data !== 'object') return;
      var u = data.unavailable;
      why = data.online === false ? (u === 'hours' ? 'hours' : 'nobody') : null;
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
