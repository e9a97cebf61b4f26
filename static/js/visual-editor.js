// The visual template editor: GrapesJS with its MJML plugin, loaded from static/vendor/.
// It reads its settings from <script id="editor-config" type="application/json"> and
// saves the MJML to the server, which validates it and answers with errors or checks.
"use strict";

(() => {
  const config = JSON.parse(document.getElementById("editor-config").textContent);
  const messages = config.messages || {};
  const statusEl = document.getElementById("editor-status");
  const problemsEl = document.getElementById("editor-problems");
  const saveButton = document.getElementById("editor-save");

  // A neutral grey box, so that a new image block needs no network; the plugin's own
  // placeholder is a remote URL.
  const imagePlaceholder =
    "data:image/svg+xml," +
    encodeURIComponent(
      '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300">' +
        '<rect width="600" height="300" fill="#dee2e6"/></svg>',
    );

  // The UMD build of the plugin publishes itself under this global name.
  const mjmlPlugin = window["grapesjs-mjml"].default || window["grapesjs-mjml"];
  const language = config.language || "en";
  const i18n = { locale: language, localeFallback: "en", detectLocale: false, messages: {} };
  const mjmlI18n = {};
  if (window.grapesjsLocales && window.grapesjsLocales[language]) {
    i18n.messages[language] = window.grapesjsLocales[language];
  }
  if (window.pregonEditorLocales && window.pregonEditorLocales[language]) {
    // What that locale lacks (visual-editor-es.js); GrapesJS merges it in, key by key.
    i18n.messagesAdd = { [language]: window.pregonEditorLocales[language] };
  }
  if (window.grapesjsMjmlLocales && window.grapesjsMjmlLocales[language]) {
    // The plugin's own Spanish keeps "Hero" and lacks "Raw": the server's names replace them.
    const own = window.grapesjsMjmlLocales[language]["grapesjs-mjml"] || {};
    const components = own.components || {};
    const names = Object.assign({}, components.names, config.blockNames);
    mjmlI18n[language] = {
      "grapesjs-mjml": Object.assign({}, own, {
        components: Object.assign({}, components, { names: names }),
      }),
    };
  }

  // What a new block holds: the plugin's is English sample text, and its banner and HTML
  // blocks show pictures from other sites. Texts come from the server, escaped here.
  const blockTexts = config.blockTexts || {};
  function text(key) {
    const span = document.createElement("span");
    span.textContent = blockTexts[key] || "";
    return span.innerHTML;
  }
  function columns(count) {
    const column = "<mj-column><mj-text>" + text("column") + "</mj-text></mj-column>";
    return "<mj-section>" + column.repeat(count) + "</mj-section>";
  }
  const blockContents = {
    "mj-text": "<mj-text>" + text("text") + "</mj-text>",
    "mj-button": "<mj-button>" + text("button") + "</mj-button>",
    "mj-1-column": columns(1),
    "mj-2-columns": columns(2),
    "mj-3-columns": columns(3),
    "mj-navbar":
      "<mj-navbar>" + ("<mj-navbar-link>" + text("link") + "</mj-navbar-link>").repeat(3) + "</mj-navbar>",
    "mj-navbar-link": "<mj-navbar-link>" + text("link") + "</mj-navbar-link>",
    "mj-hero":
      '<mj-hero mode="fluid-height" background-color="#2a3448" padding="60px 0px">' +
      '<mj-text color="#ffffff" align="center" font-size="32px" line-height="40px">' +
      text("heroTitle") +
      '</mj-text><mj-button align="center">' +
      text("heroButton") +
      "</mj-button></mj-hero>",
    "mj-wrapper":
      '<mj-wrapper border="1px solid #dee2e6" padding="20px"><mj-section><mj-column>' +
      "<mj-text>" +
      text("firstLine") +
      "</mj-text><mj-divider /><mj-text>" +
      text("secondLine") +
      "</mj-text></mj-column></mj-section></mj-wrapper>",
    "mj-raw": "<mj-raw><p>" + text("raw") + "</p></mj-raw>",
  };
  // Block id -> its key among the names, as the plugin pairs them (also for English, whose
  // messages the plugin would not merge with ours).
  const blockNameKeys = {
    "mj-1-column": "oneColumn",
    "mj-2-columns": "twoColumn",
    "mj-3-columns": "threeColumn",
    "mj-text": "text",
    "mj-button": "button",
    "mj-image": "image",
    "mj-divider": "divider",
    "mj-social-group": "socialGroup",
    "mj-social-element": "socialElement",
    "mj-spacer": "spacer",
    "mj-navbar": "navBar",
    "mj-navbar-link": "navLink",
    "mj-hero": "hero",
    "mj-wrapper": "wrapper",
    "mj-raw": "raw",
  };

  // The plugin reads MJML with the browser's HTML parser, to which <mj-image … /> is an
  // open tag that swallows the elements after it; so such tags are written out in full.
  // (Its XML parser would read them, but loses text with &nbsp; or <br> in it.)
  const source = (config.source || "").replace(/<(mj-[\w-]+)([^<>]*?)\s*\/>/g, "<$1$2></$1>");

  const container = document.getElementById("visual-editor");
  const editor = grapesjs.init({
    container: container,
    // GrapesJS sets the container's height itself, which would replace the page's own.
    height: container.style.height || "75vh",
    fromElement: false,
    components: source,
    storageManager: false,
    // GrapesJS reports usage to its makers by default; a self-hosted tool must not.
    telemetry: false,
    // GrapesJS would add Font Awesome from a CDN; the page links vendor/font-awesome instead.
    cssIcons: "",
    i18n: i18n,
    plugins: [
      (editor) =>
        mjmlPlugin(editor, {
          i18n: mjmlI18n,
          imagePlaceholderSrc: imagePlaceholder,
          block: (id) => {
            const own = {};
            if (blockContents[id]) {
              own.content = blockContents[id];
            }
            if (config.blockNames && config.blockNames[blockNameKeys[id]]) {
              own.label = config.blockNames[blockNameKeys[id]];
            }
            return own;
          },
        }),
      // An <mj-image> with no src (the defaults inside <mj-attributes>) would get GrapesJS's
      // placeholder, an inline <svg> that the canvas requests as a relative URL.
      (editor) =>
        editor.Components.addType("mj-image", {
          model: { defaults: { src: imagePlaceholder } },
        }),
      // <mj-title> and <mj-preview> belong to <mj-head>, but the plugin would show them as text
      // atop the canvas, to be edited there by mistake. They stay in the MJML, hidden; the
      // preview text has its own field.
      (editor) => {
        for (const tag of ["mj-title", "mj-preview"]) {
          editor.Components.addType(tag, {
            isComponent: (el) => Boolean(el.tagName) && el.tagName.toLowerCase() === tag,
            model: {
              defaults: {
                tagName: tag,
                selectable: false,
                hoverable: false,
                highlightable: false,
                layerable: false,
                draggable: false,
                droppable: false,
                editable: false,
                copyable: false,
              },
            },
            view: {
              onRender() {
                this.el.style.display = "none";
              },
            },
          });
        }
      },
    ],
    assetManager: {
      upload: config.uploadUrl || false,
      uploadName: "file",
      multiUpload: false,
      headers: { "X-CSRFToken": config.csrfToken },
      credentials: "same-origin",
      embedAsBase64: false,
      showUrlInput: false,
    },
  });

  function setStatus(text) {
    statusEl.textContent = text || "";
  }

  // Shows the server's errors ({line, message}) or checks ({level, message}) as a list.
  function showProblems(items) {
    problemsEl.replaceChildren();
    if (!items || !items.length) {
      return;
    }
    const list = document.createElement("ul");
    list.className = "list-group";
    for (const item of items) {
      const entry = document.createElement("li");
      const isWarning = item.level === "warning";
      entry.className = "list-group-item list-group-item-" + (isWarning ? "warning" : "danger");
      const where = item.line ? (messages.line || "Line") + " " + item.line + ": " : "";
      entry.textContent = where + item.message;
      list.append(entry);
    }
    problemsEl.append(list);
  }

  // GrapesJS hands over a refused upload as the text of the answer: {"detail": "…"}.
  function uploadErrorMessage(error) {
    try {
      return JSON.parse(error).detail || messages.uploadError || String(error);
    } catch {
      return messages.uploadError || String(error);
    }
  }

  editor.on("asset:open asset:upload:start", () => showAssetError(""));
  editor.on("asset:upload:error", (error) => showAssetError(uploadErrorMessage(error)));

  // The asset manager is a modal over the page, so its error is shown inside it.
  function showAssetError(text) {
    const container = editor.AssetManager.getContainer();
    let box = container && container.querySelector(".pregon-asset-error");
    if (!box && container) {
      box = document.createElement("div");
      box.className = "pregon-asset-error alert alert-danger";
      box.setAttribute("role", "alert");
      container.prepend(box);
    }
    if (box) {
      box.textContent = text;
      box.hidden = !text;
    }
    if (text) {
      setStatus(text);
    }
  }

  async function loadAssets() {
    if (!config.assetsUrl) {
      return;
    }
    try {
      const response = await fetch(config.assetsUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      const data = await response.json();
      editor.AssetManager.add(data.assets || []);
    } catch (error) {
      console.error("Could not list the images", error);
    }
  }

  // A <select> in the text toolbar that inserts a merge tag at the caret.
  function addMergeTagAction() {
    const tags = config.mergeTags || [];
    if (!tags.length) {
      return;
    }
    const select = document.createElement("select");
    select.className = "gjs-field pregon-merge-tags";
    select.title = messages.insertTag || "Insert tag";
    select.append(new Option(messages.insertTag || "Insert tag", ""));
    for (const tag of tags) {
      select.append(new Option(tag.label || tag.tag, tag.tag));
    }
    editor.RichTextEditor.add("merge-tag", {
      icon: select,
      event: "change",
      result: (rte, action) => {
        const field = action.btn.querySelector("select");
        if (field.value) {
          rte.insertHTML(field.value.replace(/[&<>]/g, escapeChar));
          field.value = "";
        }
      },
    });
  }

  function escapeChar(ch) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;" }[ch];
  }

  // Unsaved changes: the MJML differs from the last saved one, or text was typed that
  // GrapesJS has not copied into its model yet.
  let savedSource = null;
  let typedSinceSave = false;
  let saving = false;

  // The MJML to save, without the placeholder src an <mj-image> without one was given.
  const placeholderSrc = new RegExp(` src="${imagePlaceholder.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`, "g");
  function currentMjml() {
    return editor.getHtml().replace(placeholderSrc, "");
  }

  function hasUnsavedChanges() {
    return typedSinceSave || (savedSource !== null && currentMjml() !== savedSource);
  }

  // Text being typed lives in the canvas until GrapesJS copies it into its model when the
  // text stops being edited; Ctrl+S can come before that, so saving ends the editing first.
  // (Copying it while editing goes on would move the caret to the start of the text.)
  async function finishTextEditing() {
    const editing = editor.getEditing();
    const view = editing && editing.getView();
    if (view && view.disableEditing) {
      await view.disableEditing();
    }
  }

  async function save() {
    if (saving) {
      return;
    }
    saving = true;
    saveButton.disabled = true;
    setStatus(messages.saving);
    try {
      await finishTextEditing();
      typedSinceSave = false;
      const source = currentMjml();
      const response = await fetch(config.saveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": config.csrfToken, Accept: "application/json" },
        body: new URLSearchParams({ source: source }),
      });
      const data = await response.json();
      if (data.ok) {
        savedSource = source;
        setStatus(messages.saved);
        showProblems(data.checks);
        document.dispatchEvent(new CustomEvent("template:saved", { detail: data }));
      } else {
        setStatus(messages.error);
        showProblems(data.errors || [{ message: data.detail || messages.error }]);
      }
    } catch (error) {
      console.error("Could not save the template", error);
      setStatus(messages.error);
    } finally {
      saving = false;
      saveButton.disabled = false;
    }
  }

  // The preview text (<mj-preview>) lives in <mj-head>, which the canvas does not show: it is
  // edited in a field beside the editor, written into the MJML as it is typed.
  const previewField = document.getElementById("preview-text");

  function previewComponent(create) {
    const existing = editor.getWrapper().find("mj-preview")[0];
    if (existing || !create) {
      return existing;
    }
    const root = editor.getWrapper().find("mjml")[0] || editor.getWrapper();
    const head = root.find("mj-head")[0] || root.append("<mj-head></mj-head>", { at: 0 })[0];
    return head.append("<mj-preview></mj-preview>", { at: 0 })[0];
  }

  function readPreview() {
    const component = previewComponent(false);
    // Its inner HTML holds entities (&amp;); the field shows the text they stand for.
    const parsed = new DOMParser().parseFromString(component ? component.getInnerHTML() : "", "text/html");
    previewField.value = parsed.body.textContent;
  }

  function writePreview() {
    const text = previewField.value.trim();
    if (!text) {
      const component = previewComponent(false);
      if (component) {
        component.remove();
      }
      return;
    }
    previewComponent(true).components(text.replace(/[&<>]/g, escapeChar));
  }

  editor.on("load", () => {
    readPreview();
    previewField.addEventListener("input", writePreview);
    addMergeTagAction();
    loadAssets();
    // The MJML as GrapesJS writes it back, so that loading alone changes nothing.
    savedSource = currentMjml();
  });
  editor.on("component:input", () => {
    typedSinceSave = true;
  });

  saveButton.addEventListener("click", save);
  // A keymap, not a keydown listener, because GrapesJS also hears the keys typed in its canvas.
  editor.Keymaps.add("pregon:save", "⌘+s, ctrl+s", save, { force: true, prevent: true });

  window.addEventListener("beforeunload", (event) => {
    if (hasUnsavedChanges()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
