// Counts an SMS as it is typed: its encoding (GSM-7, or UCS-2 as soon as one character is
// outside the GSM alphabet, such as "ó"), its length and the parts it takes. The same rule
// as pregon/sending/sms/encoding.py, which the sender and the quota follow; keep the two
// alphabets identical. A textarea opts in with data-sms-counter="<id of a json_script with
// the labels>"; the count is written into the element data-sms-count-for="<textarea id>".
(function () {
  "use strict";
  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXTENDED = "^{}\\[~]|€\f";
  var LIMITS = { gsm7: [160, 153], ucs2: [70, 67] };

  function count(text) {
    var chars = Array.from(text);
    var forced = [];
    chars.forEach(function (c) {
      if (BASIC.indexOf(c) < 0 && EXTENDED.indexOf(c) < 0 && forced.indexOf(c) < 0) {
        forced.push(c);
      }
    });
    var encoding = forced.length ? "ucs2" : "gsm7";
    var units = 0;
    if (encoding === "gsm7") {
      chars.forEach(function (c) { units += EXTENDED.indexOf(c) >= 0 ? 2 : 1; });
    } else {
      units = text.length; // UTF-16 code units: an emoji counts twice.
    }
    var single = LIMITS[encoding][0], part = LIMITS[encoding][1];
    var segments = units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / part);
    return { encoding: encoding, characters: units, segments: segments, forced: forced };
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, name) { return values[name]; });
  }

  function attach(area) {
    var labels = JSON.parse(document.getElementById(area.dataset.smsCounter).textContent);
    var output = document.querySelector('[data-sms-count-for="' + area.id + '"]');
    function update() {
      var result = count(area.value);
      output.dataset.encoding = result.encoding;
      output.dataset.segments = String(result.segments);
      output.textContent = fill(labels.summary, {
        characters: result.characters,
        segments: result.segments,
        encoding: labels[result.encoding],
      });
      if (result.forced.length) {
        var note = document.createElement("div");
        note.className = "text-warning-emphasis";
        note.textContent = fill(labels.forced, { chars: result.forced.join(" ") });
        output.appendChild(note);
      }
    }
    area.addEventListener("input", update);
    update();
  }

  document.querySelectorAll("textarea[data-sms-counter]").forEach(attach);
})();
