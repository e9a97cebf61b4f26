/* Pregón's proof-of-work for signup forms: find a number N such that
   SHA-256("<stamp>:<email>:<N>") starts with the zero bits the form asks for (the server checks
   it: pregon.forms.defences). A person's browser spends a fraction of a second once; a robot
   mailing thousands of victims spends it for each address. SHA-256 is written out here (a
   page served over plain HTTP has no crypto.subtle), small and without dependencies.
   window.pregonSolve(stamp, email, bits) returns a Promise of N as a string. On the hosted
   page, a form with data-pow="<bits>" is solved before it is sent. */
(function () {
  "use strict";
  var K = [];
  (function () {
    var found = 0;
    for (var n = 2; found < 64; n++) {
      var prime = true;
      for (var d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
      if (prime) K[found++] = (Math.pow(n, 1 / 3) % 1) * 4294967296 | 0;
    }
  })();
  var H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

  function utf8(text) {
    return Array.from(new TextEncoder().encode(text));
  }

  // The first 32 bits of the digest are enough to count leading zeros up to 32; the rest
  // of the digest is computed all the same (every round needs it).
  function sha256(bytes) {
    var length = bytes.length * 8;
    bytes = bytes.concat([0x80]);
    while (bytes.length % 64 !== 56) bytes.push(0);
    for (var s = 56; s >= 0; s -= 8) bytes.push(s >= 32 ? 0 : (length >>> s) & 255);
    var h = H0.slice();
    var w = new Array(64);
    for (var offset = 0; offset < bytes.length; offset += 64) {
      for (var i = 0; i < 16; i++) {
        var j = offset + i * 4;
        w[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
      }
      for (i = 16; i < 64; i++) {
        var a15 = w[i - 15], a2 = w[i - 2];
        var s0 = ((a15 >>> 7) | (a15 << 25)) ^ ((a15 >>> 18) | (a15 << 14)) ^ (a15 >>> 3);
        var s1 = ((a2 >>> 17) | (a2 << 15)) ^ ((a2 >>> 19) | (a2 << 13)) ^ (a2 >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (i = 0; i < 64; i++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
    }
    return h;
  }

  function zeroBits(word) {
    return word === 0 ? 32 : Math.clz32(word);
  }

  function solve(stamp, email, bits) {
    var prefix = utf8(stamp + ":" + email.trim().toLowerCase() + ":");
    var n = 0;
    return new Promise(function (resolve) {
      function some() {
        // A slice at a time, so that the page stays responsive.
        for (var end = n + 5000; n < end; n++) {
          var h = sha256(prefix.concat(utf8(String(n))));
          var zeros = zeroBits(h[0]);
          if (zeros >= bits || (zeros === 32 && zeroBits(h[1]) >= bits - 32)) return resolve(String(n));
        }
        setTimeout(some, 0);
      }
      some();
    });
  }
  window.pregonSolve = solve;

  var form = document.querySelector("form[data-pow]");
  if (!form) return;
  var solved = false;
  form.addEventListener("submit", function (event) {
    if (solved) return;
    event.preventDefault();
    var status = document.getElementById("pow-status");
    if (status) status.textContent = form.getAttribute("data-checking");
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    solve(form.elements.stamp.value, form.elements.email.value, Number(form.getAttribute("data-pow"))).then(
      function (answer) {
        form.elements.pow.value = answer;
        solved = true;
        if (button) button.disabled = false;
        form.submit();
      }
    );
  });
})();
