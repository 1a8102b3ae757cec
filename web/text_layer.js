/* Kefu text layer (--extern-pre-js; glue.js calls Kefu.__layer): the drawn conversation and controls as
   DOM, as a PDF viewer's text layer does for a page: transparent text exactly over the drawn glyphs (the
   browser selects, copies and finds it, a screen reader reads it as one log) and a button twin for each
   drawn control, kept in step with the C++ side's layout; and the layer's own input (wheel and touch
   scrolling, find-in-page, copying across bubbles). */
(function (w, d) {
  'use strict';
  var K = w.Kefu;
  if (!K) return;
  // o: {root, panel, log, sizer, zones, composer, zh(), font(bold, px, text), openable(href), app(), selx()}.
  // Returns {mirror(json), scrollTo(y), listen(pt, wheel)}; listen() once the app exists.
  K.__layer = function (o) {
    var root = o.root, panel = o.panel, log = o.log, sizer = o.sizer, zones = o.zones, composer = o.composer;
    var zh = o.zh, font = o.font, openable = o.openable;
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
        if (old[k].contains(root.activeElement)) (composer.disabled ? log : composer).focus({ preventScroll: true });
        old[k].remove();
      }
      parent.k = now;
      return prepended;
    }
    function twin(c) {
      var b = d.createElement('button');
      b.type = 'button'; b.className = 't';
      b.addEventListener('click', function () { var a = o.app(); if (a) a.activate(c.k); });
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
    var notes = null, layerSet = -1, userScrollAt = 0, liveTimer = 0;
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
      if (o.selx()) o.selx().laidOut(); // the selected text may have moved
    }
    function scrollTo(y) {
      if (performance.now() - userScrollAt < 250) return; // the visitor is scrolling the layer: it leads
      log.scrollTop = y;
      layerSet = log.scrollTop;
    }
    // The layer's input, forwarded to the app as the canvas's is (`pt`, `wheel`: glue.js).
    function listen(pt, wheel) {
      var app = o.app();
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
      if (K.__touchSelect) K.__touchSelect(log, root, function () { app.pointer(-1e6, -1e6, false, performance.now()); app.button(0, false); });
      // A match found in the conversation (window.find, a screen reader's cursor) is scrolled into view; the
      // browser's own find bar scrolls the layer itself. Not while the mouse is selecting: that autoscrolls.
      var dragging = false;
      log.addEventListener('pointerdown', function () { dragging = true; });
      w.addEventListener('pointerup', function () { dragging = false; }, true);
      d.addEventListener('selectionchange', function () {
        var s = root.getSelection ? root.getSelection() : d.getSelection(), m = s && s.focusNode;
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
        var s = root.getSelection ? root.getSelection() : d.getSelection();
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
    }
    return { mirror: mirror, scrollTo: scrollTo, listen: listen };
  };
})(window, document);
