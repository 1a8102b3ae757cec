/* Kefu's Canvas 2D renderer, for browsers with no WebGL at all; glue.js fetches it only then. It draws
   Dear ImGui's draw lists, which src/web/imgui_impl_canvas2d.cpp hands over as views of wasm memory:
   glyph quads as drawImage from the font atlas, tinted by their vertex colour; solid triangles as path
   fills, consecutive ones of one colour in one fill (no seams between them). Coordinates are already
   device pixels (the app scales by devicePixelRatio), as for WebGL. */
(function (w, d) {
  'use strict';
  var K = w.Kefu;
  if (!K) return;
  K.__canvas2d = function (canvas) {
    var g = canvas.getContext('2d');
    if (!g) return null;
    var texs = {}, next = 1, css = new Map(), t0 = 0, ms = 0;
    K.__c2dMs = function () { return Math.round(ms * 100) / 100; };
    // ImU32 colours are 0xAABBGGRR.
    function style(c) {
      var s = css.get(c);
      if (!s) {
        if (css.size > 256) css.clear();
        s = 'rgba(' + (c & 255) + ',' + (c >>> 8 & 255) + ',' + (c >>> 16 & 255) + ',' + (c >>> 24) / 255 + ')';
        css.set(c, s);
      }
      return s;
    }
    function put(c, px, y, h, stride) {
      var img = new ImageData(new Uint8ClampedArray(px.buffer, px.byteOffset, stride * h * 4), stride, h);
      c.getContext('2d').putImageData(img, 0, y);
    }
    // The atlas tinted one colour: its alpha, that colour. White glyphs (and emoji, which ImGui draws
    // with a white vertex colour) use the atlas itself. The copies are atlas-sized: a few MB at most.
    function tinted(t, rgb) {
      if (rgb === 0xffffff) return t.c;
      var m = t.tint, c = m.get(rgb);
      if (c) { m.delete(rgb); m.set(rgb, c); return c; } // most recently used last
      var max = Math.max(2, Math.min(16, (32 << 20) / (t.c.width * t.c.height) | 0));
      if (m.size >= max) { var old = m.keys().next().value; c = m.get(old); m.delete(old); } else c = d.createElement('canvas');
      c.width = t.c.width; c.height = t.c.height; // (also clears a reused copy and resets its state)
      var x = c.getContext('2d');
      x.drawImage(t.c, 0, 0);
      x.globalCompositeOperation = 'source-in';
      x.fillStyle = style(rgb | 0xff000000);
      x.fillRect(0, 0, c.width, c.height);
      m.set(rgb, c);
      return c;
    }
    return {
      tex: function (tw, th, px) {
        var c = d.createElement('canvas');
        c.width = tw; c.height = th;
        put(c, px, 0, th, tw);
        texs[next] = { c: c, tint: new Map() };
        return next++;
      },
      texRows: function (id, y, h, stride, px) {
        var t = texs[id];
        if (!t) return;
        put(t.c, px, y, h, stride);
        t.tint.clear();
      },
      texFree: function (id) { delete texs[id]; },
      begin: function () {
        t0 = performance.now();
        g.setTransform(1, 0, 0, 1, 0, 0);
        g.globalAlpha = 1;
        g.clearRect(0, 0, canvas.width, canvas.height);
      },
      end: function () { ms = performance.now() - t0; },
      // v: 5 words a vertex (x y u v colour), idx: 3 a triangle, cmds: 7 numbers a command (see the .cpp).
      list: function (v, idx, cmds) {
        var u = new Uint32Array(v.buffer, v.byteOffset, v.length), fill = -1;
        var flush = function () {
          if (fill < 0) return;
          g.fillStyle = style(fill);
          g.fill();
          fill = -1;
        };
        for (var k = 0; k < cmds.length; k += 7) {
          var x0 = cmds[k], y0 = cmds[k + 1], x1 = cmds[k + 2], y1 = cmds[k + 3], t = texs[cmds[k + 4]];
          if (x1 <= x0 || y1 <= y0) continue;
          g.save();
          g.beginPath();
          g.rect(x0, y0, x1 - x0, y1 - y0);
          g.clip();
          g.beginPath();
          for (var i = cmds[k + 6], e = i + cmds[k + 5]; i < e; i += 3) {
            var a = idx[i] * 5, b = idx[i + 1] * 5, c = idx[i + 2] * 5, col = u[a + 4];
            if (v[a + 2] === v[b + 2] && v[a + 2] === v[c + 2] && v[a + 3] === v[b + 3] && v[a + 3] === v[c + 3]) {
              // One texel (the atlas's white block): a solid triangle.
              if (col !== fill) { flush(); g.beginPath(); fill = col; }
              g.moveTo(v[a], v[a + 1]); g.lineTo(v[b], v[b + 1]); g.lineTo(v[c], v[c + 1]);
              continue;
            }
            flush();
            // A glyph: ImGui's quad (a b c, a c d) with a and c at opposite corners; one drawImage.
            if (idx[i + 3] === idx[i] && idx[i + 4] === idx[i + 2]) i += 3;
            if (!t || !(col >>> 24)) continue;
            var W = t.c.width, H = t.c.height;
            var sx = Math.min(v[a + 2], v[c + 2]) * W, sy = Math.min(v[a + 3], v[c + 3]) * H;
            var sw = Math.abs(v[c + 2] - v[a + 2]) * W, sh = Math.abs(v[c + 3] - v[a + 3]) * H;
            var dx = Math.min(v[a], v[c]), dy = Math.min(v[a + 1], v[c + 1]);
            g.globalAlpha = (col >>> 24) / 255;
            g.drawImage(tinted(t, col & 0xffffff), sx, sy, sw, sh, dx, dy, Math.abs(v[c] - v[a]), Math.abs(v[c + 1] - v[a + 1]));
            g.globalAlpha = 1;
          }
          flush();
          g.restore();
        }
      }
    };
  };
})(window, document);
