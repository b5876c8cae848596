/**
 * A strict XML well-formedness checker for the SVG tests (no dependency): one root element,
 * balanced and properly nested tags, quoted unique attributes, only the predefined or numeric
 * entities, no stray '<' or '&'. Returns the elements in document order for counting.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;

export function parseXml(text: string): XmlElement[] {
  let pos = 0;
  const err = (msg: string): never => {
    const line = text.slice(0, pos).split("\n").length;
    throw new Error(`not well-formed XML: ${msg} (line ${line})`);
  };
  const checkText = (s: string) => {
    for (let i = s.indexOf("&"); i >= 0; i = s.indexOf("&", i + 1))
      if (!ENTITY.test(s.slice(i))) err(`bad entity in '${s.slice(i, i + 12)}'`);
    if (s.includes("<")) err("raw '<' in text");
  };
  if (text.startsWith("<?xml")) {
    const end = text.indexOf("?>");
    if (end < 0) err("unterminated XML declaration");
    pos = end + 2;
  }
  const stack: string[] = [];
  const elements: XmlElement[] = [];
  let roots = 0;
  while (pos < text.length) {
    const lt = text.indexOf("<", pos);
    const chunk = text.slice(pos, lt < 0 ? text.length : lt);
    if (stack.length === 0 && chunk.trim() !== "") err(`text outside the root element: '${chunk.trim().slice(0, 20)}'`);
    checkText(chunk);
    if (lt < 0) break;
    pos = lt;
    if (text.startsWith("<!--", pos)) {
      const end = text.indexOf("-->", pos);
      if (end < 0) err("unterminated comment");
      pos = end + 3;
      continue;
    }
    if (text.startsWith("</", pos)) {
      pos += 2;
      const m = NAME.exec(text.slice(pos));
      if (!m) return err("bad closing tag");
      pos += m[0].length;
      while (/\s/.test(text[pos] ?? "")) pos++;
      if (text[pos] !== ">") err(`expected '>' after </${m[0]}`);
      pos++;
      const open = stack.pop();
      if (open !== m[0]) err(`</${m[0]}> closes <${open ?? "nothing"}>`);
      continue;
    }
    pos++;
    const m = NAME.exec(text.slice(pos));
    if (!m) return err("bad tag name");
    pos += m[0].length;
    const attrs: Record<string, string> = {};
    for (;;) {
      const ws = /^\s*/.exec(text.slice(pos))![0].length;
      pos += ws;
      if (text.startsWith("/>", pos) || text[pos] === ">") break;
      if (ws === 0) err("attributes must be separated by whitespace");
      const a = NAME.exec(text.slice(pos));
      if (!a) return err(`bad attribute in <${m[0]}>`);
      pos += a[0].length;
      if (text[pos] !== "=") err(`attribute ${a[0]} has no value`);
      pos++;
      const q = text[pos];
      if (q !== '"' && q !== "'") err(`attribute ${a[0]} is not quoted`);
      const end = text.indexOf(q!, pos + 1);
      if (end < 0) err(`unterminated attribute ${a[0]}`);
      const value = text.slice(pos + 1, end);
      checkText(value);
      if (a[0] in attrs) err(`duplicate attribute ${a[0]}`);
      attrs[a[0]] = value;
      pos = end + 1;
    }
    if (stack.length === 0) roots++;
    if (roots > 1) err("more than one root element");
    elements.push({ name: m[0], attrs });
    if (text.startsWith("/>", pos)) pos += 2;
    else {
      pos++;
      stack.push(m[0]);
    }
  }
  if (stack.length) err(`unclosed <${stack.at(-1)}>`);
  if (roots !== 1) err("no root element");
  return elements;
}
