// The workflow builder: Drawflow draws the graph; this file turns it into the workflow's graph
// JSON ({"nodes": [...], "edges": [...]}, pregon/automation/graph.py) in a hidden input and
// back. Every word shown comes from the page (json_script "automation-palette"): node types,
// their ports and the fields of each type's side panel, so the screen stays translatable.
(function () {
  "use strict";

  const root = document.getElementById("automation-builder");
  if (!root) return;
  const palette = JSON.parse(document.getElementById("automation-palette").textContent);
  const counts = JSON.parse(document.getElementById("automation-counts").textContent);
  const input = document.getElementById(root.dataset.graphInput);
  const canvas = root.querySelector("[data-role=canvas]");
  const panel = root.querySelector("[data-role=panel]");
  const dirtyNote = document.getElementById("automation-unsaved");
  const readonly = root.dataset.readonly === "1";
  const types = new Map(palette.types.map((spec) => [spec.type, spec]));
  let nextNumber = Number(root.dataset.nextNumber || 1);
  let loading = false;

  const editor = new window.Drawflow(canvas);
  editor.reroute = false;
  editor.editor_mode = readonly ? "view" : "edit";
  editor.start();

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([name, value]) => {
      if (name === "text") node.textContent = value;
      else if (value !== null && value !== undefined) node.setAttribute(name, value);
    });
    (children || []).forEach((child) => node.appendChild(child));
    return node;
  }

  // The ports a node of ``type`` has with ``config``: yes/no for a branch and for a wait until
  // an event, "next" otherwise; none for a goal.
  function portsOf(type, config) {
    const spec = types.get(type);
    const when = spec.yesNoWhen;
    if (when && config[when.field] === when.value) return ["yes", "no"];
    return spec.outputs;
  }

  function visibleFields(type, config) {
    return (palette.fields[type] || []).filter(
      (field) => !field.when || field.when.values.includes(String(config[field.when.field] ?? "")),
    );
  }

  function summaryOf(type, config) {
    return visibleFields(type, config)
      .filter((field) => field.summary && config[field.name] !== undefined && config[field.name] !== "")
      .map((field) => {
        const value = config[field.name];
        const named = (item) => {
          const choice = (field.choices || []).find((pair) => String(pair[0]) === String(item));
          return choice ? choice[1] : String(item);
        };
        if (Array.isArray(value)) return value.map(named).join(", ");
        if (field.duration) return durationOf(Number(value));
        return named(value);
      })
      .filter(Boolean)
      .join(" · ");
  }

  // Puts the numbers of ``values`` in the page's words ("%(count)s días" -> "6 días").
  function fill(words, values) {
    return words.replace(/%\((\w+)\)s/g, (match, name) => String(values[name] ?? 0));
  }

  // A wait's minutes in their largest whole unit: 8640 -> "6 días", 720 -> "12 h", 30 -> "30 min".
  function durationOf(minutes) {
    const units = [["day", 1440], ["hour", 60], ["minute", 1]];
    const [unit, size] = units.find(([, step]) => minutes && minutes % step === 0) || units[2];
    const count = minutes / size;
    return fill(palette.durations[unit][count === 1 ? 0 : 1], { count: count });
  }

  function nodeHtml(type, nid, config) {
    const spec = types.get(type);
    const count = counts[nid];
    const box = el("div", { class: "wf-node", "data-nid": nid }, [
      el("div", { class: "wf-title", text: spec.label }),
      el("div", { class: "wf-summary small text-body-secondary", text: summaryOf(type, config) || palette.texts.unset }),
    ]);
    // A step's counts show once anything happened there (never on a new workflow's steps).
    if (count && Object.values(count).some(Boolean)) {
      const badge = el("span", { class: "badge text-bg-primary wf-count", title: palette.texts.waitingTitle, "data-count": count.waiting, text: String(count.waiting) });
      const passed = el("span", { class: "badge text-bg-light wf-passed", title: palette.texts.passedTitle, text: String(count.passed) });
      box.appendChild(el("div", { class: "wf-counts" }, [badge, passed]));
      if (palette.figures[type]) {
        box.appendChild(el("div", { class: "wf-figures small", title: palette.texts.figuresTitle, text: fill(palette.figures[type], count) }));
      }
    }
    return box.outerHTML;
  }

  // Drawflow draws ports as empty circles: label yes/no ports from the page's words.
  function labelPorts(id, ports) {
    const node = document.getElementById("node-" + id);
    if (!node) return;
    node.querySelectorAll(".outputs .output").forEach((output, n) => {
      output.dataset.label = ports.length > 1 ? palette.portLabels[ports[n]] : "";
      output.title = palette.portLabels[ports[n]] || "";
    });
  }

  function addNode(type, x, y, nid, config) {
    const spec = types.get(type);
    const ports = portsOf(type, config);
    const id = editor.addNode(type, spec.inputs, ports.length, x, y, "wf-" + type, { nid: nid, config: config }, nodeHtml(type, nid, config));
    labelPorts(id, ports);
    return id;
  }

  function newNid() {
    const used = Object.values(editor.export().drawflow.Home.data).map((node) => Number(String(node.data.nid).slice(1)) || 0);
    nextNumber = Math.max(nextNumber, ...used.map((n) => n + 1));
    return "n" + nextNumber++;
  }

  // Graph JSON <-> Drawflow ------------------------------------------------------------------

  function load(graph) {
    loading = true;
    const ids = new Map();
    (graph.nodes || []).forEach((node) => {
      if (!types.has(node.type)) return;
      ids.set(node.id, addNode(node.type, node.x || 0, node.y || 0, node.id, node.config || {}));
    });
    (graph.edges || []).forEach((edge) => {
      const from = (graph.nodes || []).find((node) => node.id === edge.from);
      if (!from || !ids.has(edge.from) || !ids.has(edge.to)) return;
      const port = portsOf(from.type, from.config || {}).indexOf(edge.port);
      if (port < 0) return;
      editor.addConnection(ids.get(edge.from), ids.get(edge.to), "output_" + (port + 1), "input_1");
    });
    loading = false;
  }

  function graphOf() {
    const data = editor.export().drawflow.Home.data;
    const nodes = [];
    const edges = [];
    Object.values(data).forEach((node) => {
      nodes.push({ id: node.data.nid, type: node.name, config: node.data.config, x: Math.round(node.pos_x), y: Math.round(node.pos_y) });
      const ports = portsOf(node.name, node.data.config);
      Object.entries(node.outputs).forEach(([name, output]) => {
        const port = ports[Number(name.split("_")[1]) - 1];
        output.connections.forEach((connection) => {
          edges.push({ from: node.data.nid, to: data[connection.node].data.nid, port: port });
        });
      });
    });
    return { nodes: nodes, edges: edges };
  }

  function changed() {
    if (loading) return;
    input.value = JSON.stringify(graphOf());
    if (dirtyNote) dirtyNote.hidden = false;
    document.querySelectorAll("[data-needs-saved]").forEach((button) => { button.disabled = true; });
  }

  ["nodeCreated", "nodeRemoved", "nodeMoved", "connectionCreated", "connectionRemoved"].forEach((name) => editor.on(name, changed));

  // A node's ports follow its config (a wait becomes yes/no when it waits for an event): add or
  // remove outputs to match, then redraw its summary.
  function refresh(id) {
    const node = editor.getNodeFromId(id);
    const ports = portsOf(node.name, node.data.config);
    let have = Object.keys(node.outputs).length;
    while (have < ports.length) { editor.addNodeOutput(id); have++; }
    while (have > ports.length) { editor.removeNodeOutput(id, "output_" + have); have--; }
    const content = document.querySelector("#node-" + id + " .drawflow_content_node");
    content.innerHTML = nodeHtml(node.name, node.data.nid, node.data.config);
    labelPorts(id, ports);
    changed();
  }

  // The side panel ----------------------------------------------------------------------

  function fieldControl(field, value, onChange) {
    const id = "wf-field-" + field.name;
    let control;
    if (field.kind === "select") {
      control = el("select", { class: "form-select form-select-sm", id: id }, [el("option", { value: "", text: "—" })].concat(
        field.choices.map((pair) => el("option", { value: pair[0], text: pair[1] })),
      ));
    } else if (field.kind === "multiselect") {
      // Several choices (Ctrl-click); the value is the list of those chosen.
      const chosen = new Set((Array.isArray(value) ? value : []).map(String));
      control = el("select", { class: "form-select form-select-sm", id: id, multiple: "multiple", size: String(Math.min(Math.max(field.choices.length, 2), 8)) },
        field.choices.map((pair) => el("option", { value: pair[0], text: pair[1], selected: chosen.has(String(pair[0])) ? "selected" : null })),
      );
    } else if (field.kind === "textarea") {
      control = el("textarea", { class: "form-control form-control-sm", id: id, rows: "4" });
    } else {
      const kinds = { number: "number", time: "time", datetime: "datetime-local", url: "url" };
      control = el("input", { class: "form-control form-control-sm", id: id, type: kinds[field.kind] || "text" });
    }
    control.name = field.name;
    control.disabled = readonly;
    if (field.kind === "multiselect") {
      control.addEventListener("change", () => onChange(Array.from(control.selectedOptions, (option) => option.value)));
    } else {
      control.value = Array.isArray(value) ? value.join(", ") : value ?? "";
      control.addEventListener("change", () => onChange(control.value));
    }
    const parts = [el("label", { class: "form-label small mb-1", for: id, text: field.label }), control];
    if (field.help) parts.push(el("div", { class: "form-text", text: field.help }));
    return el("div", { class: "mb-2" }, parts);
  }

  function parse(field, raw) {
    if (field.kind === "multiselect") return raw.map((item) => (field.numbers ? Number(item) : item));
    if (field.kind === "number" || field.numbers) return raw === "" ? "" : Number(raw);
    if (field.kind === "list") return raw.split(",").map((part) => part.trim()).filter(Boolean);
    return raw;
  }

  function showPanel(id) {
    const node = editor.getNodeFromId(id);
    const spec = types.get(node.name);
    const config = node.data.config;
    panel.replaceChildren(el("h2", { class: "h6", text: spec.label }), el("p", { class: "small text-body-secondary", text: spec.help }));
    visibleFields(node.name, config).forEach((field) => {
      panel.appendChild(fieldControl(field, config[field.name], (raw) => {
        config[field.name] = parse(field, raw);
        // A segment chosen for a branch brings its rules, which the engine evaluates.
        if (field.rules) config.rules = field.rules[raw] || {};
        editor.updateNodeDataFromId(id, { nid: node.data.nid, config: config });
        refresh(id);
        showPanel(id);
      }));
    });
    panel.appendChild(el("p", { class: "small text-body-secondary mb-0", text: palette.texts.nodeId + " " + node.data.nid }));
  }

  editor.on("nodeSelected", showPanel);
  editor.on("nodeUnselected", () => panel.replaceChildren(el("p", { class: "small text-body-secondary", text: palette.texts.choose })));

  // The palette: drag a type onto the canvas, or click it to add it at the top left. -------

  function canvasPoint(clientX, clientY) {
    const box = editor.precanvas.getBoundingClientRect();
    return { x: (clientX - box.x) / editor.zoom, y: (clientY - box.y) / editor.zoom };
  }

  function create(type, x, y) {
    const spec = types.get(type);
    addNode(type, x, y, newNid(), JSON.parse(JSON.stringify(spec.defaults || {})));
  }

  document.querySelectorAll("[data-node-type]").forEach((item) => {
    item.addEventListener("dragstart", (event) => event.dataTransfer.setData("text/plain", item.dataset.nodeType));
    item.addEventListener("click", () => {
      const offset = Object.keys(editor.export().drawflow.Home.data).length * 20;
      create(item.dataset.nodeType, 40 + offset, 40 + offset);
    });
  });
  canvas.addEventListener("dragover", (event) => event.preventDefault());
  canvas.addEventListener("drop", (event) => {
    event.preventDefault();
    const type = event.dataTransfer.getData("text/plain");
    if (!types.has(type) || readonly) return;
    const point = canvasPoint(event.clientX, event.clientY);
    create(type, point.x, point.y);
  });

  load(JSON.parse(input.value || "{}"));
  input.value = JSON.stringify(graphOf());
})();
