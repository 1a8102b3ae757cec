/* Kefu selection painting, appended after glue.js: the text layer's glyphs are transparent, and so is its
   ::selection (except in forced-colors mode, where the system's highlight stays). The selected text's line
   boxes go to the app instead (src/ui/selection_paint.hpp), which draws them in the canvas under the
   glyphs, in the theme's selection colour. Sent again whenever the selection changes or the layer is laid
   out anew (new messages, the typing line, history above), in the layer's content coordinates, which
   scroll with the list: scrolling needs nothing sent. */
(function (w, d) {
  'use strict';
  var K = w.Kefu;
  if (!K || !K.__attach) return;
  // o: {app, log, root}; returns the glue's hook: laidOut() after each layer layout.
  K.__selx = function (o) {
    var log = o.log, root = o.root, sent = '', queued = false;
    var css = '.p .x ::selection{background:transparent}' +
      '@media (forced-colors:active){.p .x ::selection{background:Highlight;color:HighlightText}}';
    K.__css(root, css);
    var selection = function () { return root.getSelection ? root.getSelection() : d.getSelection(); };
    var q = function (v) { return Math.round(v * 4); }; // quarter CSS px, as the app reads them
    function rects() {
      var s = selection(), out = [];
      if (!s || !s.rangeCount || s.isCollapsed) return '';
      var r = s.getRangeAt(0);
      if (!r.intersectsNode(log)) return '';
      var box = log.getBoundingClientRect(), dx = log.scrollLeft - box.left, dy = log.scrollTop - box.top;
      // Text nodes one by one: a range's own rects include the boxes of the elements it holds whole.
      var it = d.createTreeWalker(log, NodeFilter.SHOW_TEXT), n, part = d.createRange();
      while ((n = it.nextNode())) {
        if (!r.intersectsNode(n)) continue;
        part.selectNodeContents(n);
        if (n === r.startContainer) part.setStart(n, r.startOffset);
        if (n === r.endContainer) part.setEnd(n, r.endOffset);
        var cr = part.getClientRects();
        for (var i = 0; i < cr.length; i++) {
          var c = cr[i];
          if (c.width > 0 && c.height > 0) out.push(q(c.left + dx), q(c.top + dy), q(c.width), q(c.height));
        }
      }
      return out.join(' ');
    }
    function send() {
      queued = false;
      var now = rects();
      if (now === sent) return;
      sent = now;
      o.app.setSelection(now);
    }
    // Once per frame at most: a drag fires selectionchange for every pointer move.
    var later = function () { if (!queued) { queued = true; w.requestAnimationFrame(send); } };
    d.addEventListener('selectionchange', later);
    return { laidOut: later };
  };
})(window, document);
