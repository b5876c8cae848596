/**
 * A self-contained HTML report: title, metadata, and sections with text, tables and figures
 * (SVG files next to the page, PNG copies for documents and slides).
 */

export interface Table {
  header: string[];
  rows: (string | number)[][];
  caption?: string;
}

export interface Figure {
  /** File name of the SVG, relative to the report folder. */
  svg: string;
  /** File name of the PNG copy. */
  png: string;
  caption: string;
}

export interface Section {
  heading: string;
  /** Paragraphs of plain text (escaped). */
  text?: string[];
  tables?: Table[];
  figures?: Figure[];
}

export interface ReportDoc {
  title: string;
  /** Key facts: command, seed, machine, date, versions. */
  meta: Record<string, string | number>;
  sections: Section[];
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function cell(v: string | number): string {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
  }
  return esc(v);
}

function table(t: Table): string {
  const head = t.header.map((h) => `<th>${esc(h)}</th>`).join("");
  const body = t.rows
    .map((r) => `<tr>${r.map((v, j) => `<td${j > 0 && typeof v === "number" ? ' class="num"' : ""}>${cell(v)}</td>`).join("")}</tr>`)
    .join("\n");
  return `<table>${t.caption ? `<caption>${esc(t.caption)}</caption>` : ""}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** The report page as an HTML string. */
export function renderHtml(doc: ReportDoc): string {
  const meta = Object.entries(doc.meta)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${cell(v)}</td></tr>`)
    .join("\n");
  const sections = doc.sections
    .map((s) =>
      [
        `<section><h2>${esc(s.heading)}</h2>`,
        ...(s.text ?? []).map((p) => `<p>${esc(p)}</p>`),
        ...(s.tables ?? []).map(table),
        ...(s.figures ?? []).map(
          (f) =>
            `<figure><img src="${esc(f.svg)}" alt="${esc(f.caption)}"><figcaption>${esc(f.caption)} (<a href="${esc(f.png)}">PNG</a>)</figcaption></figure>`,
        ),
        "</section>",
      ].join("\n"),
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(doc.title)}</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 0.3em; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; }
figcaption { font-size: 0.9em; color: #555; }
</style></head><body>
<h1>${esc(doc.title)}</h1>
<table class="meta">${meta}</table>
${sections}
</body></html>
`;
}
