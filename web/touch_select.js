/* Kefu: a long press on a message selects text, as on any phone page (--extern-post-js; glue.js calls
   Kefu.__touchSelect). The panel takes touches itself (touch-action: none, for its own scrolling), so the
   browser's long-press selection cannot be relied on there: after 500 ms without moving, the word under the
   finger is selected (a run of characters in Chinese, by Intl.Segmenter), or the whole message where the
   browser cannot say which character is under the finger. The platform's handles and copy menu follow. */
(function (w, d) {
  'use strict';
  var K = w.Kefu;
  if (!K) return;
  var HOLD_MS = 500, SLOP = 8;
  function caret(root, x, y) {
    try {
      if (d.caretPositionFromPoint) {
        var p = d.caretPositionFromPoint(x, y, { shadowRoots: [root] });
        if (p && p.offsetNode) return [p.offsetNode, p.offset];
      }
    } catch (e) { /* an engine without the options argument */ }
    return null;
  }
  function wordAt(text, i) {
    if (!w.Intl || !Intl.Segmenter) return null;
    var segs = new Intl.Segmenter(undefined, { granularity: 'word' }).segment(text), s = segs.containing(Math.min(i, text.length - 1));
    return s && s.isWordLike ? [s.index, s.index + s.segment.length] : null;
  }
  K.__touchSelect = function (log, root, cancel) {
    var timer = 0, sx = 0, sy = 0;
    var stop = function () { clearTimeout(timer); timer = 0; };
    log.addEventListener('pointerdown', function (e) {
      stop();
      var m = e.pointerType === 'touch' && e.target.closest && e.target.closest('.m');
      if (!m) return;
      sx = e.clientX; sy = e.clientY;
      timer = setTimeout(function () {
        timer = 0;
        var sel = root.getSelection ? root.getSelection() : d.getSelection(), r = d.createRange();
        var c = caret(root, sx, sy), span = c && c[0].nodeType === 3 && m.contains(c[0]) && wordAt(c[0].data, c[1]);
        if (span) { r.setStart(c[0], span[0]); r.setEnd(c[0], span[1]); } else r.selectNodeContents(m.firstChild || m);
        sel.removeAllRanges();
        sel.addRange(r);
        // WebKit ignores addRange of a range inside a shadow root, but takes the same boundary points here.
        if (!sel.rangeCount) sel.setBaseAndExtent(r.startContainer, r.startOffset, r.endContainer, r.endOffset);
        cancel(); // the press selected: it must not also click (a link) when the finger lifts
      }, HOLD_MS);
    });
    log.addEventListener('pointermove', function (e) {
      if (timer && Math.abs(e.clientX - sx) + Math.abs(e.clientY - sy) > SLOP) stop(); // scrolling
    });
    ['pointerup', 'pointercancel'].forEach(function (n) { log.addEventListener(n, stop); });
  };
})(window, document);
