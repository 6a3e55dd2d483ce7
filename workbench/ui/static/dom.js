// Text-only DOM helpers shared by the components (put in front of each component's script): data becomes text
// nodes, never markup, and a colour is used only after it has been checked to be '#rrggbb'.
const HEX = /^#[0-9a-fA-F]{6}$/;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function setColour(node, value, property = "--wb-c") {
  if (typeof value === "string" && HEX.test(value)) node.style.setProperty(property, value);
}
