/* A stand-in for Moodle's RequireJS (lib/requirejs/require.min.js), small enough to read:
   named define() and require() work, and an anonymous define() from a script the loader did
   not request fails the way RequireJS fails it, "Mismatched anonymous define() module",
   thrown outside the caller's stack so no try/catch around the caller can hide it. */
(function (global) {
  "use strict";
  var modules = {};
  var errors = [];

  function resolve(names, callback) {
    var values = names.map(function (name) {
      if (!(name in modules)) modules[name] = {};
      return modules[name];
    });
    if (callback) callback.apply(global, values);
  }

  function define(name, deps, factory) {
    if (typeof name !== "string") {
      var error = new Error(
        "Mismatched anonymous define() module: " + String(factory || deps || name).slice(0, 60) +
          "\nhttps://requirejs.org/docs/errors.html#mismatch"
      );
      error.requireType = "mismatch";
      errors.push(error.message);
      setTimeout(function () { throw error; });
      return;
    }
    if (typeof deps === "function") {
      factory = deps;
      deps = [];
    }
    resolve(deps || [], function () {
      modules[name] = typeof factory === "function" ? factory.apply(global, arguments) : factory;
    });
  }
  define.amd = { jQuery: true };

  function require(names, callback) {
    resolve(typeof names === "string" ? [names] : names, callback);
  }
  require.config = function () {};
  require.s = { errors: errors };

  global.define = define;
  global.require = global.requirejs = require;
})(window);
