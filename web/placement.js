/* Kefu panel placement on pages that set CSS `zoom` (--extern-post-js; glue.js calls Kefu.__zoom). A page
   with `html { zoom: 1.5 }` scales the fixed panel, its offsets included: laid out in unzoomed px it ends up
   off-screen. glue.js divides the viewport by this factor and multiplies the pixel ratio by it. */
(function (w) {
  'use strict';
  var K = w.Kefu;
  if (!K) return;
  // The zoom the browser applies to the widget's host element (the product of its ancestors' `zoom`).
  // Engines without `currentCSSZoom` (the standard one) get 1: their zoom model differs, nothing is assumed.
  K.__zoom = function (host) {
    var z = host && host.currentCSSZoom;
    return typeof z === 'number' && z >= 0.1 && z <= 10 ? z : 1;
  };
})(window);
