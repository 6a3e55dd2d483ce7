// Transcript view: turns with coding highlights and coding stripes in the margin; reports selections, made with
// the mouse or the keyboard (Tab in, ↑/↓ move by sentence, Shift extends, Enter codes), as code-point offsets into
// the stored transcript text (never UTF-16 units: 𠝹 and emoji count as one).
// Data reaches the page as text: every node is built with el() and setColour() (dom.js), never parsed as HTML.

const cpLen = (s) => Array.from(s).length;
const LANE = 16; // px per stripe lane in the margin
const HEADING = /^#{1,6}[ \t]+/;

function layerNode(layer) {
  let node;
  if (layer.kind === "coding") {
    node = el("mark", `wb-k${Number(layer.coder_mark) || 0}`);
    node.dataset.codingId = String(Number(layer.id));
    node.title = String(layer.title || "");
    setColour(node, layer.colour);
  } else if (layer.kind === "suggestion") {
    node = el("span", "wb-sug");
    node.dataset.suggestionId = String(Number(layer.id));
    node.title = String(layer.title || "");
    setColour(node, layer.colour);
  } else {
    node = el("span", layer.kind === "focus" ? "wb-focus" : "wb-sel");
  }
  return node;
}

const noteKey = (c) => `${Number(c.start)}-${Number(c.end)}`;

// A collapsed passage keeps its characters in the page (hidden), so every offset stays right; the content note
// before it is a button that shows it, without a rerun.
function contentNote(note, key) {
  const button = el("button", "wb-cnote", note);
  button.type = "button";
  button.dataset.collapse = key;
  button.title = "Show this passage";
  return button;
}

// One turn: its number, time and speaker, then the text cut wherever a highlight or a collapsed passage starts
// or ends. Everything a turn shows is decided here.
function renderTurn(turn, layers, collapsed) {
  const chars = Array.from(turn.text);
  const heading = !turn.speaker && HEADING.test(turn.text) ? cpLen(turn.text.match(HEADING)[0]) : 0;
  const cuts = new Set([turn.start, turn.end]);
  if (heading) cuts.add(turn.start + heading);
  for (const l of [...layers, ...collapsed]) {
    if (l.end <= turn.start || l.start >= turn.end) continue;
    cuts.add(Math.max(l.start, turn.start));
    cuts.add(Math.min(l.end, turn.end));
  }
  const points = Array.from(cuts).sort((a, b) => a - b);
  const box = el("div", "wb-turn" + (turn.interviewer ? " wb-int" : "") + (heading ? " wb-heading" : "") +
    (!turn.speaker && !heading ? " wb-note" : ""));
  box.dataset.turn = String(Number(turn.seq));
  box.lang = turn.lang === "en" ? "en" : "zh-Hant-HK";
  box.append(el("div", "wb-no", Number(turn.seq)));
  const body = el("div", "wb-text");
  if (turn.time) body.append(el("span", "wb-time", turn.time));
  if (turn.speaker) body.append(el("span", "wb-speaker", turn.speaker));
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    let node = el("span", a < turn.start + heading ? "wb-t wb-marker" : "wb-t",
      chars.slice(a - turn.start, b - turn.start).join(""));
    node.dataset.o = String(a);
    const hidden = collapsed.find((c) => c.start <= a && c.end >= b);
    if (hidden) {
      node.classList.add("wb-hidden");
      node.dataset.collapse = noteKey(hidden);
      if (a === Math.max(hidden.start, turn.start)) body.append(contentNote(hidden.note, noteKey(hidden)));
    }
    const covering = layers.filter((l) => l.start <= a && l.end >= b)
      .sort((x, y) => (y.end - y.start) - (x.end - x.start) || String(y.id).localeCompare(String(x.id)));
    for (let j = covering.length - 1; j >= 0; j--) {
      const wrapper = layerNode(covering[j]);
      wrapper.append(node);
      node = wrapper;
    }
    body.append(node);
  }
  box.append(body);
  return box;
}

function textSpans(view) {
  return Array.from(view.querySelectorAll(".wb-t:not(.wb-marker)"));
}

function pointToOffset(view, node, offset, isStart) {
  // A DOM point → code-point offset, using the nearest text span's data-o.
  const span = node.nodeType === 3 ? node.parentElement : null;
  if (span && span.classList.contains("wb-t") && !span.classList.contains("wb-marker")) {
    return Number(span.dataset.o) + cpLen(node.data.slice(0, offset));
  }
  const spans = textSpans(view);
  if (!spans.length) return null;
  const probe = document.createRange();
  probe.setStart(node, offset);
  if (isStart) {
    for (const s of spans) if (probe.comparePoint(s, 0) >= 0) return Number(s.dataset.o);
    return null;
  }
  for (let i = spans.length - 1; i >= 0; i--) {
    const s = spans[i];
    if (probe.comparePoint(s, 0) <= 0) return Number(s.dataset.o) + cpLen(s.textContent);
  }
  return null;
}

function offsetToPoint(view, offset, isEnd) {
  // A code-point offset → [text node, UTF-16 index], the inverse of pointToOffset (visible text only).
  for (const s of textSpans(view)) {
    const from = Number(s.dataset.o), length = cpLen(s.textContent);
    if (offset < from && !isEnd) return [s.firstChild, 0];
    if (offset >= from && (isEnd ? offset <= from + length : offset < from + length)) {
      const units = Array.from(s.textContent).slice(0, offset - from).join("").length;
      return [s.firstChild, units];
    }
  }
  return null;
}

function selectSpan(view, start, end) {
  const a = offsetToPoint(view, start, false), b = offsetToPoint(view, end, true);
  if (!a || !b) return false;
  const range = document.createRange();
  range.setStart(a[0], a[1]);
  range.setEnd(b[0], b[1]);
  const sel = document.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
  const anchor = a[0].parentElement;
  if (anchor) anchor.scrollIntoView({ block: "nearest" });
  return true;
}

function placeStripes(view, codings, lanes) {
  const old = view.querySelector(".wb-stripes");
  if (old) old.remove();
  const margin = el("div", "wb-stripes");
  margin.setAttribute("aria-hidden", "true");
  margin.style.width = `${lanes * LANE}px`;
  const origin = view.getBoundingClientRect();
  for (const c of codings) {
    const marks = view.querySelectorAll(`mark[data-coding-id="${Number(c.id)}"]`);
    if (!marks.length) continue;
    let top = Infinity, bottom = -Infinity;
    for (const m of marks) {
      for (const r of m.getClientRects()) {
        top = Math.min(top, r.top);
        bottom = Math.max(bottom, r.bottom);
      }
    }
    if (!isFinite(top)) continue;
    const stripe = el("div", `wb-stripe wb-k${Number(c.coder_mark) || 0}`);
    stripe.dataset.codingId = String(Number(c.id));
    stripe.title = String(c.title || "");
    setColour(stripe, c.colour);
    setColour(stripe, c.ink, "--wb-ink");
    stripe.style.top = `${top - origin.top}px`;
    stripe.style.height = `${Math.max(bottom - top, 14)}px`;
    stripe.style.left = `${(Number(c.lane) || 0) * LANE}px`;
    stripe.append(el("span", "wb-initials", c.initials));
    if (bottom - top >= 40) stripe.append(el("span", "wb-stripe-name", c.label));  // short ones: colour, initials, title

    margin.append(stripe);
  }
  view.append(margin);
}

export default function (component) {
  const { data, parentElement } = component;
  const root = parentElement.querySelector(".wb-root");
  root._api = component; // handlers below read the latest callbacks from here
  const layers = [
    ...(data.codings || []).map((c) => ({ ...c, kind: "coding" })),
    ...(data.suggestions || []).map((s) => ({ ...s, kind: "suggestion" })),
  ];
  if (data.selection) layers.push({ kind: "selection", id: "sel", start: data.selection.start, end: data.selection.end });
  if (data.focus) layers.push({ kind: "focus", id: "focus", start: data.focus.start, end: data.focus.end });

  // The view element is kept across reruns so keyboard focus stays in it; only its children are rebuilt.
  let view = root.querySelector("[data-testid='transcript-view']");
  if (!view) {
    view = el("div", "wb-tv");
    view.setAttribute("data-testid", "transcript-view");
    view.tabIndex = 0;
    view.setAttribute("role", "document");
    view.setAttribute("aria-label", "Transcript. Arrow keys move by sentence, Shift extends, Enter codes the selection.");
    root.append(view);
  }
  const lanes = Number(data.lanes) || 0;
  view.style.setProperty("--wb-margin", `${lanes * LANE + 8}px`);
  if (!root._revealed) root._revealed = new Set();  // passages this reader chose to see, kept across reruns
  const collapsed = (data.collapsed || []).filter((c) => !root._revealed.has(noteKey(c)));
  view.replaceChildren(...(data.turns || []).map((t) => renderTurn(t, layers, collapsed)));
  const codings = data.codings || [];
  const redraw = () => placeStripes(view, codings, lanes);
  redraw();
  if (root._resize) root._resize.disconnect();
  root._resize = new ResizeObserver(redraw);
  root._resize.observe(view);

  const focusKey = data.focus ? `${data.focus.start}-${data.focus.end}` : null;
  if (focusKey && focusKey !== root._focusKey) {
    const focused = view.querySelector(".wb-focus");
    if (focused) focused.scrollIntoView({ block: "center" });
  }
  root._focusKey = focusKey;
  if (data.refocus && data.refocus !== root._refocus) view.focus({ preventScroll: true });
  root._refocus = data.refocus;
  const sentences = data.sentences || [];

  const report = () => {
    const sel = (parentElement.getSelection ? parentElement.getSelection() : null) || document.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return false;
    const range = sel.getRangeAt(0);
    if (!view.contains(range.commonAncestorContainer)) return false;
    const start = pointToOffset(view, range.startContainer, range.startOffset, true);
    const end = pointToOffset(view, range.endContainer, range.endOffset, false);
    if (start === null || end === null || end <= start) return false;
    if (collapsed.some((c) => !root._revealed.has(noteKey(c)) && c.start < end && c.end > start)) return false;
    root._api.setStateValue("selection", { start, end, text: sel.toString(), nonce: Date.now() });
    return true;
  };
  view.onmouseup = () => { report(); };
  view.onkeydown = (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!sentences.length) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      let cursor = root._cursor;
      if (cursor === undefined || cursor >= sentences.length) {
        cursor = step > 0 ? 0 : sentences.length - 1;
      } else {
        cursor = Math.min(Math.max(cursor + step, 0), sentences.length - 1);
      }
      if (!event.shiftKey || root._anchor === undefined) root._anchor = cursor;
      root._cursor = cursor;
      const from = Math.min(root._anchor, cursor), to = Math.max(root._anchor, cursor);
      selectSpan(view, sentences[from][0], sentences[to][1]);
    } else if (event.key === "Enter") {
      if (report()) event.preventDefault();
    } else if (event.key === "Escape") {
      document.getSelection().removeAllRanges();
      root._anchor = root._cursor;
    }
  };
  view.onclick = (event) => {
    const note = event.target.closest("button.wb-cnote");
    if (note) {  // the reader opens a collapsed passage deliberately
      root._revealed.add(note.dataset.collapse);
      for (const span of view.querySelectorAll(".wb-hidden")) {
        if (span.dataset.collapse === note.dataset.collapse) span.classList.remove("wb-hidden");
      }
      for (const other of view.querySelectorAll("button.wb-cnote")) {
        if (other.dataset.collapse === note.dataset.collapse) other.remove();
      }
      redraw();
      return;
    }
    const sel = document.getSelection();
    if (sel && !sel.isCollapsed) return;
    const target = event.target.closest("[data-coding-id], [data-suggestion-id]");
    if (!target) return;
    if (target.dataset.codingId) {
      root._api.setTriggerValue("clicked", { coding: Number(target.dataset.codingId), nonce: Date.now() });
    } else {
      root._api.setTriggerValue("clicked", { suggestion: Number(target.dataset.suggestionId), nonce: Date.now() });
    }
  };
}
