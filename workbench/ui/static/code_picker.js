// The code picker: type to find a code (the server ranks names, keywords and definitions), ↑/↓ to choose, Enter to
// apply it to the selected passage; Shift+Enter (or +) adds a code to apply several at once; Esc closes the list.
// Recently used codes are one click away. There is never a "select all matches" row: what is applied is exactly
// the codes named on the Apply button, and the page confirms them by name.
// Data reaches the page as text: nodes are built with el() and setColour() (dom.js), never parsed as HTML.

function swatch(colour) {
  const node = el("span", "wb-swatch");
  setColour(node, colour);
  return node;
}

function build(root) {
  const ui = {
    recent: el("div", "wb-recent"),
    input: el("input", "wb-search"),
    chosen: el("div", "wb-chosen"),
    list: el("ul", "wb-options"),
    status: el("div", "wb-hint"),
    apply: el("button", "wb-apply"),
  };
  ui.input.type = "text";
  ui.input.autocomplete = "off";
  ui.input.spellcheck = false;
  ui.input.placeholder = "Find a code: name, 中文, keyword (passport, 護照)…";
  ui.input.setAttribute("role", "combobox");
  ui.input.setAttribute("aria-label", "Find a code");
  ui.input.setAttribute("aria-autocomplete", "list");
  ui.input.setAttribute("aria-controls", "wb-picker-options");
  ui.input.setAttribute("aria-expanded", "false");
  ui.list.id = "wb-picker-options";
  ui.list.setAttribute("role", "listbox");
  ui.list.setAttribute("aria-label", "Codes found");
  ui.status.setAttribute("role", "status");
  ui.apply.type = "button";
  ui.apply.dataset.testid = "picker-apply";
  root.append(ui.input, ui.list, ui.chosen, ui.apply, ui.status, ui.recent);
  return ui;
}

export default function (component) {
  const { data, parentElement } = component;
  const root = parentElement.querySelector(".wb-picker");
  root._api = component;
  root._data = data;
  if (!root._ui) {
    root._ui = build(root);
    root._state = { checked: [], active: 0, open: false, sent: null, query: data.query || "" };
    root._ui.input.value = root._state.query;
    wire(root);
  }
  const state = root._state;
  if (data.done && data.done === state.sent) {   // the server applied what we sent: start afresh
    state.sent = null;
    state.checked = [];
    state.query = "";
    state.open = false;
    root._ui.input.value = "";
    root._api.setStateValue("query", "");
  } else if (data.failed && data.failed === state.sent) {
    state.sent = null;                            // keep everything typed and chosen: the page says what was wrong
  }
  if (data.selection_nonce && data.selection_nonce !== root._seenSelection) {  // a new passage: type at once
    root._seenSelection = data.selection_nonce;
    root._ui.input.focus({ preventScroll: true });
    root._ui.input.scrollIntoView({ block: "nearest" });
  }
  draw(root);
}

function results(root) {
  // The ranked list for what is typed now; stale while the server ranks the latest keystrokes.
  const r = root._data.results || { query: "", items: [] };
  return { items: r.items || [], stale: r.query !== root._ui.input.value };
}

function pending(root) {
  // What Apply applies: the codes added so far, and the highlighted one while something is typed (or, while the
  // list for the last keystrokes is still coming, the code at that place in it: `pick`).
  const { items, stale } = results(root);
  const ids = [...root._state.checked];
  const query = root._ui.input.value.trim();
  if (query && stale) return { ids, pick: root._state.active, label: [...ids.map((id) => nameOf(root, id)), `the best match for “${query}”`] };
  const active = query ? items[root._state.active] : null;
  if (active && !ids.includes(active[0])) ids.push(active[0]);
  return { ids, pick: undefined, label: ids.map((id) => nameOf(root, id)) };
}

function applyLabel(root) {
  const { label } = pending(root);
  return label.length ? `Apply ${label.join(", ")}` : "Apply";
}

function nameOf(root, id) {
  const code = (root._data.codes || {})[id];
  return code ? code.name : id;
}

function draw(root) {
  const ui = root._ui, state = root._state, data = root._data;
  const codes = data.codes || {};
  ui.recent.replaceChildren();
  if ((data.recent || []).length) {
    ui.recent.append(el("span", "wb-label", "Recent:"));
    for (const id of data.recent) {
      if (!codes[id]) continue;
      const chip = el("button", "wb-chip");
      chip.type = "button";
      chip.title = `Apply ${codes[id].name}`;
      chip.append(swatch(codes[id].colour), el("span", "", codes[id].name));
      chip.onclick = () => send(root, [...state.checked.filter((c) => c !== id), id]);
      ui.recent.append(chip);
    }
  }
  ui.chosen.replaceChildren();
  if (state.checked.length) {
    ui.chosen.append(el("span", "wb-label", "To apply:"));
    for (const id of state.checked) {
      const chip = el("button", "wb-chip wb-checked");
      chip.type = "button";
      chip.title = `Take ${nameOf(root, id)} off the codes to apply`;
      chip.append(swatch((codes[id] || {}).colour), el("span", "", nameOf(root, id)), el("span", "wb-x", "×"));
      chip.onclick = () => { state.checked = state.checked.filter((c) => c !== id); draw(root); };
      ui.chosen.append(chip);
    }
  }
  const { items, stale } = results(root);
  if (state.active >= items.length) state.active = Math.max(items.length - 1, 0);
  ui.list.replaceChildren();
  ui.list.classList.toggle("wb-stale", stale);
  items.forEach(([id, why], index) => {
    const code = codes[id] || { name: id, other: "", theme: "", colour: null, is_theme: false };
    const option = el("li", "wb-option" + (index === state.active ? " wb-active" : ""));
    option.id = `wb-picker-option-${index}`;
    option.setAttribute("role", "option");
    option.setAttribute("aria-selected", index === state.active ? "true" : "false");
    const text = el("span", "wb-option-text");
    const line = el("span", "wb-option-line");
    line.append(el("span", "wb-option-name", code.name));
    if (code.other) line.append(el("span", "wb-option-other", code.other));
    text.append(line);
    const detail = [code.is_theme ? "theme" : code.theme, why].filter(Boolean).join(" · ");
    if (detail) text.append(el("span", "wb-option-why", detail));
    const add = el("button", "wb-add", state.checked.includes(id) ? "✓" : "+");
    add.type = "button";
    add.tabIndex = -1;
    add.title = state.checked.includes(id) ? "Added: will be applied" : "Add to the codes to apply (Shift+Enter)";
    add.onclick = (event) => { event.stopPropagation(); toggle(root, id); };
    option.append(swatch(code.colour), text, add);
    option.onmousedown = (event) => event.preventDefault();  // keep the focus in the search box
    option.onclick = () => send(root, [...state.checked.filter((c) => c !== id), id]);
    option.onmousemove = () => { if (state.active !== index) { state.active = index; markActive(root); } };
    ui.list.append(option);
  });
  const open = state.open && items.length > 0;
  ui.list.hidden = !open;
  ui.input.setAttribute("aria-expanded", open ? "true" : "false");
  if (open) ui.input.setAttribute("aria-activedescendant", `wb-picker-option-${state.active}`);
  else ui.input.removeAttribute("aria-activedescendant");
  ui.apply.disabled = !pending(root).label.length || !data.has_selection || state.sent !== null;
  ui.apply.textContent = applyLabel(root);
  if (!ui.status.dataset.message) {
    ui.status.textContent = data.has_selection
      ? "↑↓ choose · Enter apply · Shift+Enter add another · Esc close"
      : "Select a passage first: drag with the mouse, or Tab into the transcript, ↑↓ by sentence, Enter.";
  }
}

function markActive(root) {
  root._ui.list.querySelectorAll(".wb-option").forEach((node, index) => {
    const on = index === root._state.active;
    node.classList.toggle("wb-active", on);
    node.setAttribute("aria-selected", on ? "true" : "false");
    if (on) node.scrollIntoView({ block: "nearest" });
  });
  root._ui.input.setAttribute("aria-activedescendant", `wb-picker-option-${root._state.active}`);
  root._ui.apply.textContent = applyLabel(root);
}

function toggle(root, id) {
  const state = root._state;
  state.checked = state.checked.includes(id) ? state.checked.filter((c) => c !== id) : [...state.checked, id];
  draw(root);
}

function say(root, message) {
  root._ui.status.dataset.message = "1";
  root._ui.status.textContent = message;
  clearTimeout(root._sayTimer);
  root._sayTimer = setTimeout(() => { delete root._ui.status.dataset.message; draw(root); }, 4000);
}

function send(root, ids, pick) {
  // Apply exactly these codes, plus (pick) the code at that position of the server's ranking of what is typed,
  // used when Enter comes before the list for the last keystrokes (the confirmation names what was applied).
  const state = root._state;
  if (!root._data.has_selection) { say(root, "Select a passage in the transcript first."); return; }
  if (!ids.length && pick === undefined) { say(root, "Type to find a code first."); return; }
  const action = { codes: ids, query: root._ui.input.value, nonce: Date.now() };
  if (pick !== undefined) action.pick = pick;
  state.sent = action.nonce;
  root._api.setTriggerValue("action", action);
  draw(root);
}

function wire(root) {
  const ui = root._ui, state = root._state;
  let timer = null;
  ui.input.oninput = () => {
    state.open = true;
    state.active = 0;
    clearTimeout(timer);
    timer = setTimeout(() => root._api.setStateValue("query", ui.input.value), 60);
    draw(root);
  };
  ui.input.onfocus = () => { state.open = true; draw(root); };
  ui.input.onblur = () => { setTimeout(() => { if (document.activeElement !== ui.input) { state.open = false; draw(root); } }, 150); };
  ui.input.onkeydown = (event) => {
    const { items } = results(root);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!state.open) { state.open = true; draw(root); return; }
      const step = event.key === "ArrowDown" ? 1 : -1;
      state.active = Math.min(Math.max(state.active + step, 0), Math.max(items.length - 1, 0));
      markActive(root);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const item = items[state.active];
      if (event.shiftKey) {
        if (item && !results(root).stale) { toggle(root, item[0]); ui.input.value = ""; state.query = ""; root._api.setStateValue("query", ""); }
        return;
      }
      if (results(root).stale && ui.input.value.trim()) send(root, state.checked.slice(), state.active);
      else if (item && (ui.input.value.trim() || state.open)) send(root, [...state.checked.filter((c) => c !== item[0]), item[0]]);
      else if (state.checked.length) send(root, state.checked.slice());
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (state.open) { state.open = false; draw(root); }
      else if (ui.input.value) { ui.input.value = ""; root._api.setStateValue("query", ""); draw(root); }
      else { const view = document.querySelector("[data-testid='transcript-view']"); if (view) view.focus(); }
    }
  };
  ui.apply.onclick = () => {
    const { ids, pick, label } = pending(root);
    if (label.length) send(root, ids, pick);
  };
}
