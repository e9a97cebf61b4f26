// The segment rule builder. The DOM holds the state: after every edit it is read back into
// the rules JSON of the hidden input, and a debounced POST asks the server for the count.
// Every word shown comes from the page (json_script), so the screen stays translatable.
(function () {
  "use strict";

  const root = document.getElementById("segment-builder");
  if (!root) return;
  const catalogue = JSON.parse(document.getElementById("segment-catalogue").textContent);
  const texts = JSON.parse(document.getElementById("segment-texts").textContent);
  const input = document.getElementById(root.dataset.rulesInput);
  const form = input.form;
  const countBox = document.getElementById("segment-count");
  const errorBox = document.getElementById("segment-count-error");
  const MAX_DEPTH = 4; // As pregon.contacts.segments.validation.MAX_DEPTH.
  const CHECKLISTS = ["choices", "lists", "tags", "campaigns", "popups", "courses", "categories"]; // Values chosen from a list.
  const fields = new Map();
  catalogue.groups.forEach((group) => group.fields.forEach((field) => fields.set(field.name, field)));

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([name, value]) => {
      if (name === "text") node.textContent = value;
      else if (value !== null && value !== undefined) node.setAttribute(name, value);
    });
    (children || []).forEach((child) => node.appendChild(child));
    return node;
  }

  function button(action, label, css) {
    return el("button", { type: "button", class: "btn btn-sm " + css, "data-action": action, text: label });
  }

  // Groups ------------------------------------------------------------------------------

  function buildGroup(group, depth) {
    const match = el("select", {
      class: "form-select form-select-sm w-auto rule-match",
      "data-role": "match",
      "aria-label": texts.matchBefore,
    }, [el("option", { value: "all", text: texts.all }), el("option", { value: "any", text: texts.any })]);
    match.value = group.match === "any" ? "any" : "all";
    const header = el("div", { class: "d-flex flex-wrap align-items-center gap-2 mb-2" }, [
      el("span", { text: texts.matchBefore }), match, el("span", { text: texts.matchAfter }),
    ]);
    if (depth > 1) {
      const remove = button("remove-group", texts.removeGroup, "btn-link link-danger ms-auto");
      header.appendChild(remove);
    }
    const children = el("div", { class: "rule-children", "data-role": "children" });
    const actions = el("div", { class: "d-flex flex-wrap gap-2" }, [
      button("add-condition", "+ " + texts.addCondition, "btn-outline-primary"),
    ]);
    if (depth < MAX_DEPTH) actions.appendChild(button("add-group", "+ " + texts.addGroup, "btn-outline-secondary"));
    const node = el("div", { class: "rule-group mb-3", "data-group": "", "data-depth": depth }, [header]);
    if (depth === 1) node.appendChild(el("p", { class: "text-body-secondary small rule-empty", text: texts.empty }));
    node.appendChild(children);
    node.appendChild(actions);
    (group.rules || []).forEach((rule) => {
      children.appendChild("match" in rule ? buildGroup(rule, depth + 1) : buildCondition(rule));
    });
    return node;
  }

  function readGroup(node) {
    const rules = [];
    childrenOf(node).forEach((child) => {
      const rule = child.hasAttribute("data-group") ? readGroup(child) : readCondition(child);
      if (rule) rules.push(rule);
    });
    return { match: node.querySelector(":scope > div > [data-role=match]").value, rules: rules };
  }

  function childrenOf(group) {
    return Array.from(group.querySelector(":scope > [data-role=children]").children);
  }

  // Conditions --------------------------------------------------------------------------

  function buildCondition(rule) {
    const fieldSelect = el("select", {
      class: "form-select form-select-sm", "data-role": "field", "aria-label": texts.field,
    }, [el("option", { value: "", text: texts.chooseField })]);
    catalogue.groups.forEach((group) => {
      if (!group.fields.length) return;
      const optgroup = el("optgroup", { label: group.label });
      group.fields.forEach((field) => optgroup.appendChild(el("option", { value: field.name, text: field.label })));
      fieldSelect.appendChild(optgroup);
    });
    const operatorSelect = el("select", {
      class: "form-select form-select-sm", "data-role": "operator", "aria-label": texts.operator,
    });
    const valueBox = el("div", { class: "col-10 col-md-4", "data-role": "value-box" });
    const node = el("div", { class: "rule-condition row g-2 align-items-start mb-2", "data-condition": "" }, [
      el("div", { class: "col-12 col-md-4" }, [fieldSelect]),
      el("div", { class: "col-12 col-md-3" }, [operatorSelect]),
      valueBox,
      el("div", { class: "col-2 col-md-1 text-end" }, [
        el("button", {
          type: "button", class: "btn btn-sm btn-outline-danger", "data-action": "remove-condition",
          "aria-label": texts.removeCondition, title: texts.removeCondition, text: "×",
        }),
      ]),
    ]);
    if (rule && rule.field && !fields.has(rule.field)) {
      // A field deleted since the rule was saved: keep the rule as it was, so the server
      // names the problem, and show its name so the user can find and remove it.
      node.dataset.raw = JSON.stringify(rule);
      fieldSelect.appendChild(el("option", { value: rule.field, text: rule.field }));
      fieldSelect.value = rule.field;
      fieldSelect.disabled = true;
      operatorSelect.disabled = true;
      return node;
    }
    if (rule && rule.field) {
      fieldSelect.value = rule.field;
      fillOperators(node, rule.operator);
      fillValue(node, rule.value);
    } else {
      operatorSelect.disabled = true;
    }
    return node;
  }

  function part(node, role) {
    return node.querySelector("[data-role=" + role + "]");
  }

  function fillOperators(node, chosen) {
    const field = fields.get(part(node, "field").value);
    const select = part(node, "operator");
    select.replaceChildren();
    select.disabled = !field;
    if (!field) return;
    field.operators.forEach((operator) => {
      select.appendChild(el("option", { value: operator.name, text: operator.label }));
    });
    if (chosen && field.operators.some((operator) => operator.name === chosen)) select.value = chosen;
  }

  function valueKind(node) {
    const field = fields.get(part(node, "field").value);
    if (!field) return null;
    const operator = field.operators.find((item) => item.name === part(node, "operator").value);
    return operator ? operator.value : null;
  }

  function textInput(type, role, value, label) {
    const attrs = { type: type, class: "form-control form-control-sm", "data-role": role, "aria-label": label };
    const node = el("input", attrs);
    if (type === "number") node.step = role === "value" ? "any" : "1";
    node.value = value === null || value === undefined ? "" : String(value);
    return node;
  }

  // The values a custom text field holds most often, offered as the input's datalist: one
  // list per field, shared by every condition on it.
  function suggestionList(field) {
    const id = "segment-values-" + field.name.replace(/[^a-z0-9_-]/gi, "-");
    if (!document.getElementById(id)) {
      root.appendChild(el("datalist", { id: id }, field.suggestions.map((value) => el("option", { value: value }))));
    }
    return id;
  }

  function fillValue(node, value) {
    const box = part(node, "value-box");
    const kind = valueKind(node);
    const field = fields.get(part(node, "field").value);
    box.replaceChildren();
    box.dataset.kind = kind || "";
    if (kind === "text") {
      const text = textInput("text", "value", value, texts.value);
      if (field.suggestions && field.suggestions.length) text.setAttribute("list", suggestionList(field));
      box.appendChild(text);
    }
    else if (kind === "number") box.appendChild(textInput("number", "value", value, texts.value));
    else if (kind === "date") box.appendChild(textInput("date", "value", value, texts.value));
    else if (kind === "days") {
      const days = textInput("number", "value", value, texts.days);
      days.min = "1";
      box.appendChild(el("div", { class: "input-group input-group-sm" }, [
        days, el("span", { class: "input-group-text", text: texts.days }),
      ]));
    } else if (kind === "date_range") {
      const range = Array.isArray(value) ? value : ["", ""];
      box.appendChild(el("div", { class: "d-flex gap-2" }, [
        textInput("date", "value-from", range[0], texts.from),
        textInput("date", "value-to", range[1], texts.to),
      ]));
    } else if (CHECKLISTS.includes(kind)) {
      const chosen = (Array.isArray(value) ? value : [value]).map(String);
      const list = el("div", { class: "border rounded px-2 py-1 overflow-auto", style: "max-height: 10rem" });
      if (!field.choices.length) list.appendChild(el("span", { class: "small text-body-secondary", text: texts.noChoices }));
      field.choices.forEach((choice, index) => {
        const id = "rule-choice-" + Math.random().toString(36).slice(2);
        const box = el("input", {
          type: "checkbox", class: "form-check-input", id: id, value: String(choice.value),
          "data-role": "choice", "data-index": index,
        });
        box.checked = chosen.includes(String(choice.value));
        list.appendChild(el("div", { class: "form-check" }, [
          box, el("label", { class: "form-check-label", for: id, text: choice.label }),
        ]));
      });
      box.appendChild(list);
    }
  }

  function readCondition(node) {
    if (node.dataset.raw) return JSON.parse(node.dataset.raw);
    const field = fields.get(part(node, "field").value);
    if (!field) return null; // Not filled in yet: left out, as in the count.
    const rule = { field: field.name, operator: part(node, "operator").value };
    const kind = valueKind(node);
    if (kind === "date_range") rule.value = [part(node, "value-from").value, part(node, "value-to").value];
    else if (CHECKLISTS.includes(kind)) {
      rule.value = Array.from(node.querySelectorAll("[data-role=choice]:checked"))
        .map((box) => field.choices[Number(box.dataset.index)].value);
    } else if (kind) rule.value = part(node, "value").value;
    return rule;
  }

  // Keeping the hidden input and the count up to date -----------------------------------

  let timer = null;
  let sequence = 0;

  function sync() {
    const top = root.querySelector(":scope > [data-group]");
    input.value = JSON.stringify(readGroup(top));
    top.querySelector(":scope > .rule-empty").hidden = childrenOf(top).length > 0;
    clearTimeout(timer);
    countBox.dataset.state = "pending";
    timer = setTimeout(count, 400);
  }

  async function count() {
    const mine = ++sequence;
    countBox.dataset.state = "loading";
    countBox.textContent = texts.counting;
    const body = new FormData();
    body.append("rules", input.value);
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    let answer = null;
    try {
      const response = await fetch(root.dataset.countUrl, { method: "POST", body: body, credentials: "same-origin" });
      answer = await response.json();
    } catch (error) {
      answer = { error: texts.countFailed };
    }
    if (mine !== sequence) return; // A newer count is on its way.
    if (answer.error) {
      countBox.textContent = "";
      countBox.removeAttribute("data-count");
      errorBox.textContent = answer.error;
      countBox.dataset.state = "error";
    } else {
      countBox.textContent = answer.label;
      countBox.dataset.count = answer.count;
      errorBox.textContent = "";
      countBox.dataset.state = "done";
    }
  }

  root.addEventListener("click", (event) => {
    const target = event.target.closest("[data-action]");
    if (!target) return;
    const group = target.closest("[data-group]");
    const action = target.dataset.action;
    if (action === "add-condition") {
      const node = buildCondition(null);
      group.querySelector(":scope > [data-role=children]").appendChild(node);
      part(node, "field").focus();
    } else if (action === "add-group") {
      const depth = Number(group.dataset.depth) + 1;
      const node = buildGroup({ match: "all", rules: [{}] }, depth);
      group.querySelector(":scope > [data-role=children]").appendChild(node);
    } else if (action === "remove-group") {
      group.remove();
    } else if (action === "remove-condition") {
      target.closest("[data-condition]").remove();
    }
    sync();
  });

  root.addEventListener("change", (event) => {
    const role = event.target.dataset.role;
    const node = event.target.closest("[data-condition]");
    if (role === "field") {
      fillOperators(node, null);
      fillValue(node, null);
    } else if (role === "operator") {
      const kind = part(node, "value-box").dataset.kind;
      const keep = kind === valueKind(node) ? readCondition(node).value : null;
      fillValue(node, keep);
    }
    sync();
  });

  root.addEventListener("input", (event) => {
    if (event.target.tagName === "INPUT") sync();
  });

  form.addEventListener("submit", () => {
    input.value = JSON.stringify(readGroup(root.querySelector(":scope > [data-group]")));
  });

  let initial = {};
  try {
    initial = JSON.parse(input.value || "{}") || {};
  } catch (error) {
    initial = {};
  }
  root.appendChild(buildGroup({ match: initial.match, rules: initial.rules || [] }, 1));
  sync();
})();
