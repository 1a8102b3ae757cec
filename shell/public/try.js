// Turns the query string into window.KefuSettings (numbers and booleans parsed), so developers can try
// the widget's settings without editing a page. Runs before /kefu.js.
(function () {
  'use strict';
  var s = {};
  new URLSearchParams(location.search).forEach(function (v, k) {
    if (/^-?\d+$/.test(v)) s[k] = Number(v);
    else if (v === 'true' || v === 'false') s[k] = v === 'true';
    else s[k] = v;
  });
  window.KefuSettings = s;
  var out = document.getElementById('settings');
  if (out) out.textContent = 'window.KefuSettings = ' + JSON.stringify(s, null, 2);
})();
