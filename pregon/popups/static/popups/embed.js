/* Pregón's pop-ups for the virtual classroom, loaded by one tag Moodle's staff paste into
   Site administration › Appearance › Additional HTML:
     <script async src="https://pregon…/p/embed.js" data-site="KEY"></script>
   No dependencies and no globals but window.pregonPopups (its state, for debugging). It never
   calls define(): Moodle loads RequireJS, which rejects an anonymous define() from a plain
   script. Everything the visitor sees lives in a shadow root, so Moodle's CSS does not reach
   it and its CSS does not leak out; every word comes from the configuration's labels.
   With data-preview="<id>" (Pregón's preview page) it shows the one pop-up of the JSON in
   that element at once, and sends, records and remembers nothing. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || window.pregonPopups) return;
  var BASE = me.src.replace(/\/p\/embed\.js([?#].*)?$/, "");
  var KEY = encodeURIComponent(me.getAttribute("data-site") || "");
  var PREVIEW = me.getAttribute("data-preview");
  var DAY = 864e5;
  var state = (window.pregonPopups = { done: false, armed: null, shown: null });

  // Storage may be refused (privacy settings, sandboxed frames): then nothing is remembered.
  function load(store, name) {
    try {
      return JSON.parse(window[store].getItem(name)) || {};
    } catch (e) {
      return {};
    }
  }
  function save(store, name, value) {
    try {
      window[store].setItem(name, typeof value === "string" ? value : JSON.stringify(value));
    } catch (e) {
      /* Nothing to remember with. */
    }
  }
  function read(name) {
    try {
      return localStorage.getItem(name) || "";
    } catch (e) {
      return "";
    }
  }

  var visitor = read("pregon-visitor");
  if (!PREVIEW && !/^[0-9a-f]{16,32}$/.test(visitor)) {
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    visitor = Array.from(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    save("localStorage", "pregon-visitor", visitor);
  }
  var identity = read("pregon-identity");

  function post(path, body) {
    if (PREVIEW) return Promise.reject(new Error("preview"));
    return fetch(BASE + path + KEY, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "Content-Type": "text/plain" },
      credentials: "omit",
      keepalive: true,
    });
  }

  // Moodle's context, as its pages show it: body id and classes (lib/pagelib.php) and M.cfg
  // (lib/outputrequirementslib.php).
  function context() {
    var body = document.body;
    var id = body.id || "";
    var classes = " " + body.className + " ";
    var cfg = (window.M && window.M.cfg) || {};
    function number(prefix) {
      var found = classes.match(new RegExp(" " + prefix + "-(\\d+) "));
      return found ? +found[1] : null;
    }
    var course = +cfg.courseId > 1 && cfg.courseId != cfg.siteId ? +cfg.courseId : number("course");
    var pages = [
      ["course", /^page-course-view-/],
      ["activity", /^page-mod-/],
      ["dashboard", /^page-my-index$/],
      ["my_courses", /^page-my-courses$/],
      ["front_page", /^page-site-index$/],
      ["login", /^page-login-/],
      ["category", /^page-course-index/],
    ];
    var page = null;
    pages.forEach(function (pair) {
      if (!page && pair[1].test(id)) page = pair[0];
    });
    var phone =
      matchMedia("(max-width: 767px)").matches ||
      (matchMedia("(pointer: coarse)").matches && innerWidth < 768);
    return {
      moodle: classes.indexOf(" pagelayout-") >= 0 || !!cfg.wwwroot,
      course: course && course > 1 ? course : null,
      category: number("category"),
      page: page,
      // Guests and anonymous visitors both get Moodle's "login" span in the user menu
      // (lib/templates/user_menu.mustache); only the latter get the notloggedin class.
      loggedIn: classes.indexOf(" notloggedin ") < 0 && !document.querySelector(".usermenu .login"),
      quiz:
        /^page-mod-quiz-(attempt|summary|review)$/.test(id) || classes.indexOf(" pagelayout-secure ") >= 0,
      device: phone ? "phone" : "desktop",
      path: (location.pathname + location.search).slice(0, 300),
    };
  }

  function glob(pattern, where) {
    var text = pattern.charAt(0) === "/" ? where.path : location.href;
    var source = pattern.split("*").map(function (part) {
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    });
    return new RegExp("^" + source.join("[\\s\\S]*") + "$").test(text);
  }

  function clock(tz, now) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", { timeZone: tz, weekday: "short", hour: "numeric", hourCycle: "h23" })
      .formatToParts(now)
      .forEach(function (part) { parts[part.type] = part.value; });
    return { day: "MonTueWedThuFriSatSun".indexOf(parts.weekday) / 3, hour: +parts.hour % 24 };
  }

  function listed(list, value) {
    return !list || !list.length || list.indexOf(value) >= 0;
  }

  // Whether frequency capping and the rule "after a click, close or form" still allow it.
  function allowed(p, now) {
    var seen = load("localStorage", "pregon-popups")[p.id] || {};
    var f = p.frequency;
    if (seen.done && (f.after === "never" || now - seen.done < f.after_days * DAY)) return false;
    if (f.mode === "once") return !seen.n;
    if (f.mode === "session") return !load("sessionStorage", "pregon-popups-session")[p.id];
    if (f.mode === "days") return !seen.last || now - seen.last >= f.n * DAY;
    return (seen.n || 0) < f.n;
  }

  // Every rule but the segment's, which needs the identify endpoint's answer.
  function eligible(p, config, where, now) {
    var m = p.moodle || {};
    var time = clock(config.tz, now);
    var hours = p.hours || [0, 24];
    var inHours =
      hours[0] <= hours[1]
        ? time.hour >= hours[0] && time.hour < hours[1]
        : time.hour >= hours[0] || time.hour < hours[1];
    var needsMoodle = (m.courses || []).length || (m.categories || []).length || (m.pages || []).length;
    return (
      (!p.starts || now >= p.starts) &&
      (!p.ends || now < p.ends) &&
      listed(p.days, time.day) &&
      inHours &&
      (!(p.include || []).length || p.include.some(function (g) { return glob(g, where); })) &&
      !(p.exclude || []).some(function (g) { return glob(g, where); }) &&
      !(needsMoodle && !where.moodle) &&
      listed(m.courses, where.course) &&
      listed(m.categories, where.category) &&
      listed(m.pages, where.page) &&
      (m.login !== "in" || where.loggedIn) &&
      (m.login !== "out" || !where.loggedIn) &&
      !(m.no_quiz && where.quiz) &&
      (p.device === "any" || p.device === where.device) &&
      !(p.trigger.type === "exit" && where.device === "phone") &&
      (p.who !== "known" || !!identity) &&
      (p.who !== "unknown" || !identity) &&
      !(p.segment && !identity) &&
      allowed(p, now)
    );
  }

  function identify(token) {
    return post("/p/i/", { t: token })
      .then(function (response) {
        if (response.status === 400 && token === identity) {
          identity = "";
          save("localStorage", "pregon-identity", "");
        }
        return response.ok ? response.json() : { known: false, popups: [] };
      })
      .then(function (answer) {
        if (answer.known) {
          identity = token;
          save("localStorage", "pregon-identity", token);
          return answer.popups;
        }
        return null;
      })
      .catch(function () { return null; });
  }

  function remember(p, done) {
    if (PREVIEW) return;
    var now = Date.now();
    var all = load("localStorage", "pregon-popups");
    var seen = all[p.id] || {};
    if (done) {
      // After the "after" days have passed, the pop-up starts afresh.
      all[p.id] = { done: now, n: 0 };
    } else {
      all[p.id] = { done: seen.done, n: (seen.n || 0) + 1, last: now };
      var session = load("sessionStorage", "pregon-popups-session");
      session[p.id] = 1;
      save("sessionStorage", "pregon-popups-session", session);
    }
    save("localStorage", "pregon-popups", all);
  }

  var CSS =
    ":host{all:initial!important}" +
    "*{box-sizing:border-box;margin:0;padding:0;font:inherit;color:inherit}" +
    ".w{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);" +
    "-webkit-text-size-adjust:100%}" +
    ".k{position:fixed;inset:0;background:rgba(0,0,0,.5);z-index:2147483000}" +
    ".d{position:fixed;z-index:2147483001;background:var(--bg);color:var(--fg);padding:20px 44px 20px 20px;" +
    "box-shadow:0 8px 32px rgba(0,0,0,.3);overflow:auto;max-height:90vh;animation:in .25s ease-out}" +
    ".modal{top:50%;left:50%;transform:translate(-50%,-50%);width:min(480px,92vw);border-radius:8px;" +
    "animation-name:fade}" +
    ".top,.bottom{left:0;right:0;display:flex;flex-wrap:wrap;align-items:center;gap:8px 20px;padding:12px 52px 12px 20px}" +
    ".top{top:0}.bottom{bottom:0}" +
    ".corner{right:16px;bottom:16px;width:min(360px,calc(100vw - 32px));border-radius:8px}" +
    ".top h2,.bottom h2{font-size:1.05em}" +
    "h2{font-size:1.3em;font-weight:700;line-height:1.25;margin-bottom:.4em}" +
    ".top h2,.bottom h2,.top .b p,.bottom .b p{margin:0}" +
    ".b p,.b ul,.b ol{margin-bottom:.6em}.b ul,.b ol{padding-left:1.4em}.b a{text-decoration:underline}" +
    "strong,b{font-weight:700}em,i{font-style:italic}u{text-decoration:underline}" +
    "img{display:block;max-width:100%;height:auto;margin-bottom:12px;border-radius:4px}" +
    ".top img,.bottom img{max-height:48px;margin:0}" +
    ".c,button.s{display:inline-block;background:var(--btn);color:var(--btnfg);border:0;border-radius:6px;" +
    "padding:10px 18px;font-weight:700;text-decoration:none;cursor:pointer;margin-top:4px}" +
    ".x{position:absolute;top:8px;right:8px;width:36px;height:36px;border:0;border-radius:50%;background:transparent;" +
    "font-size:24px;line-height:36px;text-align:center;cursor:pointer;color:var(--fg)}" +
    ".x:hover{background:rgba(127,127,127,.2)}" +
    ":focus-visible{outline:3px solid #f0ad4e;outline-offset:2px}.d:focus-visible{outline:0}" +
    "form{display:grid;gap:8px;margin-top:8px;width:100%}" +
    "label{display:block;font-size:.9em}" +
    "input:not([type=checkbox]){display:block;width:100%;padding:8px;border:1px solid #8a8f98;border-radius:4px;" +
    "background:#fff;color:#1f2933;margin-top:2px}" +
    ".g{display:flex;gap:8px;align-items:flex-start}.g input{margin-top:4px}" +
    ".e{color:#b00020;font-size:.85em;background:#fff;padding:0 4px;border-radius:3px}" +
    ".e:empty{display:none}" +
    ".t{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}" +
    "fieldset{border:0;display:grid;gap:4px}legend{font-size:.9em;margin-bottom:4px}.h{display:block;font-size:.85em}" +
    "#pf-privacy{font-size:.85em;text-decoration:underline}" +
    "@keyframes in{from{opacity:0;translate:0 12px}}@keyframes fade{from{opacity:0}}" +
    "@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}";

  function make(tag, attributes, parent) {
    var element = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") element.textContent = attributes[name];
      else element.setAttribute(name, attributes[name]);
    });
    if (parent) parent.appendChild(element);
    return element;
  }

  function show(p, config, where) {
    var labels = config.labels;
    var before = document.activeElement;
    var host = make("div", { id: "pregon-popup-" + p.id, "data-pregon": "" });
    var root = host.attachShadow({ mode: "open" });
    make("style", { text: CSS }, root);
    var wrap = make("div", { class: "w" }, root);
    // Only #rrggbb colours and https images reach the styles and the page: a value that got
    // past Pregón's forms (written to the database directly, say) cannot carry CSS or code.
    var colors = p.colors || {};
    [["--bg", colors.background, "#ffffff"], ["--fg", colors.text, "#1f2933"],
     ["--btn", colors.button, "#1d4e89"], ["--btnfg", colors.button_text, "#ffffff"]]
      .forEach(function (c) { wrap.style.setProperty(c[0], /^#[0-9a-f]{6}$/i.test(c[1]) ? c[1] : c[2]); });
    var modal = p.format === "modal";
    var backdrop = modal ? make("div", { class: "k" }, wrap) : null;
    var dialog = make("div", { class: "d " + p.format, role: "dialog", tabindex: "-1" }, wrap);
    if (modal) dialog.setAttribute("aria-modal", "true");
    var closer = make("button", { type: "button", class: "x", "aria-label": labels.close, title: labels.close, text: "×" }, dialog);
    if (/^https:\/\//i.test(p.image || "")) make("img", { src: p.image, alt: "" }, dialog);
    var text = make("div", {}, dialog);
    if (p.title) {
      make("h2", { id: "pregon-title", text: p.title }, text);
      dialog.setAttribute("aria-labelledby", "pregon-title");
    } else {
      dialog.setAttribute("aria-label", labels.dialog);
    }
    var body = make("div", { class: "b" }, text);
    body.innerHTML = p.body || "";
    var extras = { v: visitor, t: identity, u: where.path, c: where.course || "", d: where.device };
    if (p.button && p.button.url) {
      var target = new URL(p.button.url, location.href);
      if (!PREVIEW) Object.keys(extras).forEach(function (name) { target.searchParams.set(name, extras[name]); });
      var cta = make("a", { class: "c", href: target.href, text: p.button.text }, dialog);
      cta.addEventListener("click", function () { remember(p, true); });
    }
    if (p.form) form(p, dialog, extras);

    function close() {
      document.removeEventListener("keydown", keys, true);
      host.remove();
      post("/p/b/", Object.assign({ p: p.id, k: "closed" }, extras)).catch(function () {});
      remember(p, true);
      if (before && before.focus) before.focus();
    }
    function keys(event) {
      if (event.key === "Escape") {
        event.stopPropagation();
        close();
      } else if (event.key === "Tab" && modal) {
        var stops = Array.from(dialog.querySelectorAll("a[href],button,input,[tabindex='0']")).filter(
          function (element) { return !element.disabled; }
        );
        var first = stops[0];
        var last = stops[stops.length - 1];
        var at = root.activeElement;
        if (event.shiftKey && (at === first || at === dialog || !at)) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && (at === last || !at)) {
          event.preventDefault();
          first.focus();
        }
      }
    }
    closer.addEventListener("click", close);
    if (backdrop) backdrop.addEventListener("click", close);
    document.addEventListener("keydown", keys, true);
    document.body.appendChild(host);
    dialog.focus();
    state.shown = p.id;
    remember(p, false);
    post("/p/b/", Object.assign({ p: p.id, k: "viewed" }, extras)).catch(function () {});
  }

  // The pop-up's signup form: one of the forms staff build, as pregon.forms.describe gives
  // it, built by the forms' embed script (loaded when first needed) and sent to /p/f/, which
  // also gives the fresh stamp the cached configuration leaves out.
  function form(p, dialog, extras) {
    var forms = window.pregonForms;
    var built = forms && forms.build ? Promise.resolve(forms.build) : new Promise(function (resolve, reject) {
      var script = make("script", { src: BASE + "/static/forms/embed.js" }, document.head);
      script.onload = function () { resolve(window.pregonForms.build); };
      script.onerror = reject;
    });
    var stamped = PREVIEW ? {} : fetch(BASE + "/p/f/" + KEY + "?p=" + p.id, { credentials: "omit" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      });
    Promise.all([built, stamped])
      .then(function (got) {
        got[0](dialog, Object.assign({}, p.form, got[1]), function (data) {
          if (PREVIEW) return new Response(JSON.stringify({ message: p.form.thanks }));
          return post("/p/f/", Object.assign({ p: p.id }, data, extras));
        }, function () { remember(p, true); });
      })
      .catch(function () {});
  }

  function arm(p, config, where) {
    var trigger = p.trigger || { type: "load" };
    var fired = false;
    function fire() {
      if (fired) return;
      fired = true;
      document.removeEventListener("scroll", scrolled, true);
      document.removeEventListener("mouseout", left);
      show(p, config, where);
    }
    // Boost 4.x scrolls its main region (#page, data-region="mainpage"), not the window; a
    // capturing listener hears both. A page too short to scroll never fires it.
    function scrolled(event) {
      var box = event.target;
      if (box === document) box = document.scrollingElement || document.documentElement;
      else if (!box.matches || !box.matches("[data-region=mainpage]")) return;
      if (((box.scrollTop + box.clientHeight) / Math.max(box.scrollHeight, 1)) * 100 >= trigger.value) fire();
    }
    function left(event) {
      if (!event.relatedTarget && event.clientY <= 0) fire();
    }
    if (trigger.type === "delay") setTimeout(fire, (trigger.value || 0) * 1000);
    else if (trigger.type === "scroll") document.addEventListener("scroll", scrolled, { capture: true, passive: true });
    else if (trigger.type === "exit") document.addEventListener("mouseout", left);
    else fire();
  }

  function start(config) {
    var token = new URLSearchParams(location.search).get("pregon");
    var where = context();
    var now = Date.now();
    var candidates = (config.popups || []).filter(function (p) {
      return eligible(p, config, where, now);
    });
    var asked = token ? identify(token) : Promise.resolve(null);
    return asked
      .then(function (popups) {
        if (popups || !candidates.some(function (p) { return p.segment; }) || !identity) return popups;
        return identify(identity);
      })
      .then(function (segmented) {
        // Identification may have just made "known" pop-ups eligible and "unknown" ones not.
        var chosen = (config.popups || []).filter(function (p) {
          return eligible(p, config, where, now) && (!p.segment || (segmented || []).indexOf(p.id) >= 0);
        })[0];
        state.armed = chosen ? chosen.id : null;
        if (chosen) arm(chosen, config, where);
      });
  }

  function ready() {
    if (PREVIEW) {
      var preview = JSON.parse(document.getElementById(PREVIEW).textContent);
      if (preview.popups[0]) show(preview.popups[0], preview, context());
      state.done = true;
      return;
    }
    fetch(BASE + "/p/s/" + KEY + ".json", { credentials: "omit" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(start)
      .catch(function () {})
      .then(function () { state.done = true; });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
