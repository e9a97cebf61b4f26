// Pregón: reports conversions from the virtual classroom (docs/manual/impacto.md).
// On every page: keeps the code a tracked link brought (?{{ parameter }}=…) for 30 days.
// Where the goal is reached: pregon.convert("matricula"), or data-objetivo on this script.
(function () {
  "use strict";
  var KEY = "pregon-conversion";
  var KEEP = 30 * 24 * 3600 * 1000;
  var PIXEL = "{{ pixel|escapejs }}";
  var token = new URLSearchParams(window.location.search).get("{{ parameter|escapejs }}");
  if (token && /^[0-9a-z]+-[a-z2-7]+$/.test(token)) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify({ token: token, at: Date.now() }));
    } catch (error) { /* Storage refused: this page can still report. */ }
  } else {
    token = null;
    try {
      var saved = JSON.parse(window.localStorage.getItem(KEY) || "null");
      if (saved && Date.now() - saved.at < KEEP) token = saved.token;
    } catch (error) { /* Nothing kept. */ }
  }

  function convert(goal) {
    if (!token) return false;
    var image = new Image(1, 1);
    image.src = PIXEL.replace("TOKEN", token) + (goal ? "?objetivo=" + encodeURIComponent(goal) : "");
    return true;
  }

  window.pregon = { convert: convert, token: function () { return token; } };
  var me = document.currentScript;
  if (me && me.dataset.objetivo) convert(me.dataset.objetivo);
})();
