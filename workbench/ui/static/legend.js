// The coding page's legend: the codes drawn on this page with their colours and counts, and how each coder's
// stripes look. Built with el() and setColour() (dom.js), never parsed as HTML.

export default function (component) {
  const { data, parentElement } = component;
  const root = parentElement.querySelector(".wb-legend");
  const rows = [];
  for (const coder of data.coders || []) {
    const row = el("div", "wb-legend-row");
    const sample = el("span", `wb-legend-coder wb-k${Number(coder.pattern) || 0}`, coder.initials);
    row.append(sample, el("span", "", `${coder.name}: ${["solid", "hatched", "dotted"][Number(coder.pattern) || 0]} stripes`));
    rows.push(row);
  }
  for (const item of data.codes || []) {
    const row = el("div", "wb-legend-row");
    const swatch = el("span", "wb-swatch");
    setColour(swatch, item.colour);
    row.append(swatch, el("span", "", `${item.label} (${Number(item.count)})`));
    row.title = String(item.code_id || "");
    rows.push(row);
  }
  root.replaceChildren(...rows);
}
