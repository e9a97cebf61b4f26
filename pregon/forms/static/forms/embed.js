/* Pregón's signup form for any web site: the site pastes
     <div data-pregon-form="SLUG"></div>
     <script async src="https://pregon…/static/forms/embed.js" data-pregon-form-url="https://pregon…"></script>
   and the form appears in the div, read from Pregón's public API (which counts a view) and
   sent back to it as JSON (a text/plain body: no CORS preflight, no cookies). Everything lives
   in a shadow root, so the site's CSS does not reach it; every word comes from the form's
   description. No dependencies, no globals but window.pregonForms (whose build() the pop-ups'
   script uses to show a form); a form with a proof-of-work loads Pregón's solver (pow.js)
   when it is sent. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me) return;
  var BASE = (me.getAttribute("data-pregon-form-url") || me.src.replace(/\/static\/forms\/embed\.js([?#].*)?$/, "")).replace(/\/$/, "");
  var state = (window.pregonForms = window.pregonForms || { shown: [] });

  var CSS =
    ":host{all:initial;display:block}" +
    "*{box-sizing:border-box;margin:0;padding:0;font:inherit;color:inherit}" +
    ".w{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2933;background:#fff;" +
    "border:1px solid #d5d9e0;border-radius:8px;padding:20px;max-width:560px}" +
    "h2{font-size:1.3em;font-weight:700;line-height:1.25;margin-bottom:.4em}" +
    ".i{margin-bottom:.8em}" +
    "form{display:grid;gap:10px}" +
    "label{display:block;font-size:.95em}" +
    "input:not([type=checkbox]){display:block;width:100%;padding:8px;border:1px solid #8a8f98;border-radius:4px;" +
    "background:#fff;color:#1f2933;margin-top:2px}" +
    ".g{display:flex;gap:8px;align-items:flex-start}.g input{margin-top:5px}" +
    "fieldset{border:0;display:grid;gap:4px}legend{font-size:.95em;margin-bottom:4px}" +
    ".h{display:block;font-size:.85em;color:#5b6474}" +
    "a{text-decoration:underline;color:var(--btn)}" +
    ".e{color:#b00020;font-size:.85em}.e:empty{display:none}" +
    ".t{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}" +
    "button{background:var(--btn);color:var(--btnfg);border:0;border-radius:6px;padding:10px 18px;" +
    "font-weight:700;cursor:pointer;justify-self:start}button[disabled]{opacity:.7;cursor:wait}" +
    "[role=status]{padding:12px;border-radius:6px;background:#e8f5e9;color:#1b5e20}" +
    ":focus-visible{outline:3px solid #f0ad4e;outline-offset:2px}";

  function make(tag, attributes, parent) {
    var element = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") element.textContent = attributes[name];
      else element.setAttribute(name, attributes[name]);
    });
    if (parent) parent.appendChild(element);
    return element;
  }

  function solver(bits) {
    if (!bits) return Promise.resolve(null);
    if (window.pregonSolve) return Promise.resolve(window.pregonSolve);
    return new Promise(function (resolve, reject) {
      var script = make("script", { src: BASE + "/static/forms/pow.js" }, document.head);
      script.onload = function () { resolve(window.pregonSolve); };
      script.onerror = reject;
    });
  }

  function render(holder, f) {
    var root = holder.attachShadow({ mode: "open" });
    make("style", { text: CSS }, root);
    var wrap = make("div", { class: "w" }, root);
    var colors = f.colors || {};
    wrap.style.setProperty("--btn", /^#[0-9a-f]{6}$/i.test(colors.button) ? colors.button : "#1d4e89");
    wrap.style.setProperty("--btnfg", /^#[0-9a-f]{6}$/i.test(colors.button_text) ? colors.button_text : "#ffffff");
    if (f.title) make("h2", { text: f.title }, wrap);
    if (f.intro) make("p", { class: "i", text: f.intro }, wrap);
    build(wrap, f, function (data) {
      return fetch(f.submit_url, {
        method: "POST",
        body: JSON.stringify(Object.assign({ channel: "embed" }, data)),
        headers: { "Content-Type": "text/plain" },
        credentials: "omit",
      });
    });
    state.shown.push(f.slug);
  }

  // The form itself, in ``parent``: shared with the pop-ups' script, which loads this file when
  // a pop-up with a form shows and styles the same elements. ``send(data)`` posts the answers
  // and gives the fetch's Response; ``done()`` runs once they are accepted.
  function build(parent, f, send, done) {
    var labels = f.labels || {};
    var element = make("form", { novalidate: "" }, parent);
    var errors = {};
    var inputs = {};
    function id(name) { return "pf-" + name.replace(/\./g, "-"); }
    function note(name, parent) {
      errors[name] = make("p", { class: "e", id: id(name) + "-e" }, parent || element);
      return errors[name];
    }
    function field(name, type, label, required, autocomplete) {
      var row = make("div", {}, element);
      var input;
      var text = label + (required && type !== "checkbox" ? " *" : "");
      if (type === "checkbox") {
        row.className = "g";
        input = make("input", { type: type, id: id(name), name: name }, row);
        make("label", { for: id(name), text: text }, row);
      } else {
        make("label", { for: id(name), text: text }, row);
        input = make("input", { type: type, id: id(name), name: name, autocomplete: autocomplete || "off" }, row);
      }
      if (required) input.required = true;
      input.setAttribute("aria-describedby", note(name).id);
      inputs[name] = input;
      return input;
    }
    field("email", "email", labels.email, true, "email");
    (f.fields || []).forEach(function (q) { field(q.name, q.type, q.label, q.required, q.autocomplete); });
    var lists = [];
    if ((f.lists || []).length) {
      var group = make("fieldset", {}, element);
      make("legend", { text: labels.choose || "" }, group);
      f.lists.forEach(function (choice, index) {
        var row = make("div", { class: "g" }, group);
        lists.push(make("input", { type: "checkbox", id: "pf-list-" + index, name: "lists", value: choice.code }, row));
        var label = make("label", { for: "pf-list-" + index, text: choice.name }, row);
        if (choice.description) make("span", { class: "h", text: choice.description }, label);
      });
      inputs.lists = lists[0];
      lists[0].setAttribute("aria-describedby", note("lists", group).id);
    }
    // People never see it; robots fill it in.
    var trap = make("div", { class: "t", "aria-hidden": "true" }, element);
    make("label", { for: "pf-trap", text: labels.honeypot || "" }, trap);
    var honeypot = make("input", { type: "text", id: "pf-trap", name: f.honeypot, tabindex: "-1", autocomplete: "off" }, trap);
    var consent = field("consent", "checkbox", f.consent, true);
    if (/^https?:\/\//i.test(f.privacy_url || "")) {
      make("a", { href: f.privacy_url, target: "_blank", rel: "noopener", id: "pf-privacy", text: labels.privacy }, element);
    }
    var general = make("p", { class: "e", role: "alert" }, element);
    var submit = make("button", { type: "submit", class: "s", text: labels.submit }, element);

    element.addEventListener("submit", function (event) {
      event.preventDefault();
      Object.keys(errors).forEach(function (name) {
        errors[name].textContent = "";
        if (inputs[name]) inputs[name].removeAttribute("aria-invalid");
      });
      general.textContent = "";
      submit.disabled = true;
      submit.textContent = f.pow ? labels.checking : labels.sending;
      var data = { email: inputs.email.value.trim(), consent: consent.checked, fields: {}, lists: [], stamp: f.stamp || "", pow: "" };
      data[f.honeypot] = honeypot.value;
      (f.fields || []).forEach(function (q) {
        var input = inputs[q.name];
        var value = q.type === "checkbox" ? (input.checked ? true : q.required ? false : null) : input.value.trim();
        if (q.name.indexOf("fields.") === 0) data.fields[q.name.slice(7)] = value;
        else data[q.name] = value;
      });
      data.lists = lists.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
      solver(f.pow)
        .then(function (solve) { return solve ? solve(data.stamp, data.email, f.pow) : ""; })
        .then(function (answer) {
          data.pow = answer;
          submit.textContent = labels.sending;
          return send(data);
        })
        .then(function (response) {
          return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
        })
        .then(function (result) {
          if (result.ok) {
            if (done) done();
            if (result.answer.redirect && /^https?:\/\//i.test(result.answer.redirect)) {
              location.href = result.answer.redirect;
              return;
            }
            var thanks = make("p", { role: "status", tabindex: "-1", text: result.answer.message }, null);
            element.replaceWith(thanks);
            thanks.focus();
            return;
          }
          var found = result.answer.errors || {};
          var focused = false;
          Object.keys(found).forEach(function (name) {
            if (!errors[name]) return;
            errors[name].textContent = [].concat(found[name]).join(" ");
            if (inputs[name]) inputs[name].setAttribute("aria-invalid", "true");
            if (!focused && inputs[name]) inputs[name].focus();
            focused = true;
          });
          if (!focused) general.textContent = result.answer.detail || labels.error;
        })
        .catch(function () { general.textContent = labels.error; })
        .then(function () {
          submit.disabled = false;
          submit.textContent = labels.submit;
        });
    });
  }
  state.build = build;

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-pregon-form]"), function (holder) {
      if (holder.shadowRoot || holder.hasAttribute("data-pregon-busy")) return;
      holder.setAttribute("data-pregon-busy", "");
      var slug = encodeURIComponent(holder.getAttribute("data-pregon-form") || "");
      fetch(BASE + "/api/v1/public/forms/" + slug, { credentials: "omit" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (description) { render(holder, description); })
        .catch(function () { holder.removeAttribute("data-pregon-busy"); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
