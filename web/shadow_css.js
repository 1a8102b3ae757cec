/* Kefu styles (--extern-pre-js, the first): Kefu.__css(root, css) adds a stylesheet to the widget's shadow
   root, for the app's script and the files it fetches (kefu-away.js). A constructed sheet, since a strict
   CSP page refuses a <style> element; a browser without constructed sheets gets the element. */
(function (w, d) {
  'use strict';
  var K = w.Kefu;
  if (!K) return;
  K.__css = function (root, css) {
    if (root.adoptedStyleSheets && w.CSSStyleSheet) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = root.adoptedStyleSheets.concat([sheet]);
    } else {
      var st = d.createElement('style');
      st.textContent = css;
      root.appendChild(st);
    }
  };
})(window, document);
