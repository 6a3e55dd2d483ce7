// Transcript view: renders turns with coding highlights and reports mouse selections as
// code-point offsets into the stored transcript text (never UTF-16 units: 𠝹 and emoji count as one).

const cpLen = (s) => Array.from(s).length;

function esc(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function renderTurn(turn, layers) {
  // layers: [{kind: 'coding'|'suggestion'|'selection', id, start, end, color, title}]
  const chars = Array.from(turn.text);
  const cuts = new Set([turn.start, turn.end]);
  for (const l of layers) {
    if (l.end <= turn.start || l.start >= turn.end) continue;
    cuts.add(Math.max(l.start, turn.start));
    cuts.add(Math.min(l.end, turn.end));
  }
  const points = Array.from(cuts).sort((a, b) => a - b);
  let html = "";
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    let piece = `<span class="wb-t" data-o="${a}">${esc(chars.slice(a - turn.start, b - turn.start).join(""))}</span>`;
    const covering = layers.filter((l) => l.start <= a && l.end >= b)
      .sort((x, y) => (y.end - y.start) - (x.end - x.start) || String(y.id).localeCompare(String(x.id)));
    for (let j = covering.length - 1; j >= 0; j--) {
      const l = covering[j];
      if (l.kind === "coding") {
        piece = `<mark data-coding-id="${l.id}" title="${esc(l.title)}" style="--wb-c:${l.color}">${piece}</mark>`;
      } else if (l.kind === "suggestion") {
        piece = `<span class="wb-sug" data-suggestion-id="${l.id}" title="${esc(l.title)}" style="--wb-c:${l.color}">${piece}</span>`;
      } else if (l.kind === "focus") {
        piece = `<span class="wb-focus">${piece}</span>`;
      } else {
        piece = `<span class="wb-sel">${piece}</span>`;
      }
    }
    html += piece;
  }
  const who = `<div class="wb-speaker${turn.interviewer ? " wb-int" : ""}">${esc(turn.speaker || "")}${turn.time ? ` <span class="wb-time">${esc(turn.time)}</span>` : ""}</div>`;
  return `<div class="wb-turn" data-turn="${turn.seq}" lang="${turn.lang === "en" ? "en" : "zh-Hant-HK"}">${who}<div class="wb-text">${html}</div></div>`;
}

function pointToOffset(root, node, offset, isStart) {
  // A DOM point → code-point offset, using the nearest text span's data-o.
  let span = node.nodeType === 3 ? node.parentElement : null;
  if (span && span.classList.contains("wb-t")) {
    return Number(span.dataset.o) + cpLen(node.data.slice(0, offset));
  }
  const spans = Array.from(root.querySelectorAll(".wb-t"));
  if (!spans.length) return null;
  const probe = document.createRange();
  probe.setStart(node, offset);
  if (isStart) {
    for (const s of spans) {
      if (probe.comparePoint(s, 0) >= 0) return Number(s.dataset.o);
    }
    return null;
  }
  for (let i = spans.length - 1; i >= 0; i--) {
    const s = spans[i];
    if (probe.comparePoint(s, 0) <= 0) return Number(s.dataset.o) + cpLen(s.textContent);
  }
  return null;
}

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  const root = parentElement.querySelector(".wb-root");
  const layers = [
    ...(data.codings || []).map((c) => ({ ...c, kind: "coding" })),
    ...(data.suggestions || []).map((s) => ({ ...s, kind: "suggestion" })),
  ];
  if (data.selection) layers.push({ kind: "selection", id: "sel", start: data.selection.start, end: data.selection.end });
  if (data.focus) layers.push({ kind: "focus", id: "focus", start: data.focus.start, end: data.focus.end });
  root.innerHTML = `<div data-testid="transcript-view" class="wb-tv">${(data.turns || []).map((t) => renderTurn(t, layers)).join("")}</div>`;
  const view = root.firstElementChild;
  const focused = view.querySelector(".wb-focus");
  if (focused) focused.scrollIntoView({ block: "center" });

  view.onmouseup = () => {
    const sel = (parentElement.getSelection ? parentElement.getSelection() : null) || document.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    const range = sel.getRangeAt(0);
    if (!view.contains(range.commonAncestorContainer)) return;
    const start = pointToOffset(view, range.startContainer, range.startOffset, true);
    const end = pointToOffset(view, range.endContainer, range.endOffset, false);
    if (start === null || end === null || end <= start) return;
    setStateValue("selection", { start, end, text: sel.toString(), nonce: Date.now() });
  };
  view.onclick = (event) => {
    const sel = document.getSelection();
    if (sel && !sel.isCollapsed) return;
    const sug = event.target.closest("[data-suggestion-id]");
    const mark = event.target.closest("mark[data-coding-id]");
    if (mark) setTriggerValue("clicked", { coding: Number(mark.dataset.codingId), nonce: Date.now() });
    else if (sug) setTriggerValue("clicked", { suggestion: Number(sug.dataset.suggestionId), nonce: Date.now() });
  };
}
