/* A stand-in for jQuery as Moodle pages have it: the AMD module "jquery" (core/jquery_private)
   and, as many sites add it for older plugins, the globals $ and jQuery. */
(function (global) {
  "use strict";
  function jQuery(selector) {
    var found = typeof selector === "string" ? document.querySelectorAll(selector) : [selector];
    var wrapped = Object.create(jQuery.fn);
    Array.prototype.forEach.call(found, function (element, index) { wrapped[index] = element; });
    wrapped.length = found.length;
    return wrapped;
  }
  jQuery.fn = jQuery.prototype = { jquery: "3.7.1" };
  global.jQuery = global.$ = jQuery;
  global.define("jquery", [], function () { return jQuery; });
  global.define("core/jquery_private", ["jquery"], function ($) { return $; });
})(window);
