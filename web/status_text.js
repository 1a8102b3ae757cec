/* Kefu: the header's presence line and the notice strip as real text (--extern-post-js; glue.js calls
   Kefu.__notes and Kefu.__why). Like the messages' text layer, transparent text over the drawn glyphs, so
   they can be selected, found and read by screen readers: the notice as a status message, announced. */
(function (w, d) {
  'use strict';
  var K = w.Kefu;
  if (!K) return;
  // Each is kept (the notice's live region must exist before its text changes to be announced) and emptied
  // when the panel does not draw it. The presence line comes before the header's buttons, the notice
  // before the composer: reading order is visual order.
  K.__notes = function (panel, zones) {
    var els = {};
    ['sub', 'notice'].forEach(function (k) {
      var e = els[k] = d.createElement('p');
      e.className = 'm';
      if (k === 'notice') e.setAttribute('role', 'status');
      panel.insertBefore(e, k === 'notice' ? zones[2] : zones[0]);
    });
    return function (list, font) {
      var seen = {};
      list.forEach(function (n) {
        var e = els[n.k];
        if (!e || !n.r) return;
        seen[n.k] = 1;
        if (e.textContent !== n.t) e.textContent = n.t;
        e.style.font = font;
        e.style.left = n.r[0] + 'px'; e.style.top = n.r[1] + 'px'; e.style.width = n.r[2] + 'px';
        e.style.display = '';
      });
      for (var k in els) if (!seen[k]) { els[k].textContent = ''; els[k].style.display = 'none'; }
    };
  };
  // A disabled twin says why (aria-describedby to a hidden line of its own): "客服不在线，暂时无法通话".
  var next = 0;
  K.__why = function (b, why) {
    if ((b.kw || '') === why) return;
    b.kw = why;
    if (!why) { b.removeAttribute('aria-describedby'); return; }
    if (!b.kd) {
      b.kd = d.createElement('span');
      b.kd.id = 'kefu-why-' + (++next);
      b.kd.hidden = true;
      b.appendChild(b.kd);
    }
    b.kd.textContent = why;
    b.setAttribute('aria-describedby', b.kd.id);
    b.title = why;
  };
})(window, document);
