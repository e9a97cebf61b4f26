// The code editor for MJML and HTML templates: CodeMirror 5 over the form's textarea.
// The form still posts the textarea without JavaScript; this adds highlighting, merge
// tags and errors from the server shown at their lines while the user types.
"use strict";

(() => {
  const config = JSON.parse(document.getElementById("editor-config").textContent);
  const textarea = document.getElementById("code-source");

  // Merge tags ({{ nombre }}, {% if … %}) get their own token class on top of the markup.
  const mergeTagOverlay = {
    token(stream) {
      if (stream.match(/^\{\{.*?\}\}/) || stream.match(/^\{%.*?%\}/)) {
        return "merge-tag";
      }
      stream.next();
      while (!stream.eol() && !stream.match(/^\{[{%]/, false)) {
        stream.next();
      }
      return null;
    },
  };
  const baseMode = config.mode === "html" ? "htmlmixed" : "xml";
  CodeMirror.defineMode("pregon-template", (cmConfig) =>
    CodeMirror.overlayMode(CodeMirror.getMode(cmConfig, baseMode), mergeTagOverlay),
  );

  // The server numbers lines from 1 and may give none; CodeMirror numbers them from 0.
  // With no `to`, the whole line is highlighted (highlightLines) rather than underlined.
  function annotations(cm, errors) {
    return (errors || []).map((error) => {
      const line = Math.min(Math.max((error.line || 1) - 1, 0), cm.lastLine());
      return {
        from: CodeMirror.Pos(line, 0),
        message: error.message,
        severity: error.level === "warning" ? "warning" : "error",
      };
    });
  }

  // The first run shows the errors of the last save, which the page already knows;
  // later runs, 600 ms after the user stops typing, ask the server.
  let firstRun = true;
  async function checkSource(text, updateLinting, options, cm) {
    if (firstRun) {
      firstRun = false;
      updateLinting(cm, annotations(cm, config.errors));
      return;
    }
    if (!config.checkUrl) {
      return;
    }
    try {
      const response = await fetch(config.checkUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": config.csrfToken, Accept: "application/json" },
        body: new URLSearchParams({ source: text }),
      });
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      const data = await response.json();
      updateLinting(cm, annotations(cm, data.errors));
    } catch (error) {
      // The markers stay as they were; the form's own save reports errors anyway.
      console.error("Could not check the template", error);
    }
  }

  // fromTextArea copies the text back into the textarea when the form submits.
  const cm = CodeMirror.fromTextArea(textarea, {
    mode: "pregon-template",
    lineNumbers: true,
    lineWrapping: true,
    autoCloseTags: true,
    gutters: ["CodeMirror-lint-markers"],
    lint: { getAnnotations: checkSource, async: true, delay: 600, highlightLines: true },
    // Ctrl+S (⌘+S) saves, as in the visual editor: the form submits with the text.
    extraKeys: { "Ctrl-S": submit, "Cmd-S": submit },
  });

  function submit() {
    textarea.form.requestSubmit();
  }

  const tagSelect = document.getElementById("insert-tag");
  if (tagSelect) {
    tagSelect.addEventListener("change", () => {
      if (tagSelect.value) {
        cm.replaceSelection(tagSelect.value);
        cm.focus();
      }
      tagSelect.value = "";
    });
  }
})();
