import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { linePlot } from "../../src/report/plots.ts";
import { renderSvg, svgToPng } from "../../src/report/render.ts";
import { renderHtml } from "../../src/report/html.ts";
import { toCsv, writeFigure, writeReportPage } from "../../src/report/write.ts";

const points = [1, 2, 3].flatMap((x) => [
  { x, y: -10 - x, series: "a", err: 0.5 },
  { x, y: -20 + x, series: "b <&>" },
]);

test("a line plot renders to SVG with its title, axis titles and one path per series", async () => {
  const svg = await renderSvg(linePlot(points, { title: "NMSE per step", xTitle: "step", yTitle: "NMSE (dB)" }));
  assert.match(svg, /^<svg/);
  assert.match(svg, /NMSE per step/);
  assert.match(svg, /NMSE \(dB\)/);
  assert.match(svg, /b &lt;&amp;&gt;/, "series names are escaped");
  // One coloured line per series: two distinct stroke colours on the line marks.
  const lines = svg.slice(svg.indexOf("mark-line"));
  const strokes = new Set(lines.match(/stroke="#[0-9a-f]{6}"/gi) ?? []);
  assert.ok(strokes.size >= 2, `stroke colours ${[...strokes].join(" ")}`);
});

test("the PNG is a real image with text drawn (the shipped font is found)", async () => {
  const spec = linePlot(points, { title: "T", xTitle: "x", yTitle: "y" });
  const svg = await renderSvg(spec);
  const png = await svgToPng(svg, 1);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // Text rendered as glyphs makes the image differ from one rendered without any text.
  const noText = await svgToPng(svg.replace(/<text[\s\S]*?<\/text>/g, ""), 1);
  assert.notDeepEqual(png, noText);
});

test("the HTML page escapes text and lays out tables and figures", () => {
  const html = renderHtml({
    title: "Demo <1>",
    meta: { seed: 3 },
    sections: [
      {
        heading: "S",
        text: ["a < b"],
        tables: [{ header: ["model", "NMSE"], rows: [["cfc", -20.123456]] }],
        figures: [{ svg: "f.svg", png: "f.png", caption: "cap" }],
      },
    ],
  });
  assert.match(html, /<title>Demo &lt;1&gt;<\/title>/);
  assert.match(html, /a &lt; b/);
  assert.match(html, /<td class="num">-20.12<\/td>/);
  assert.match(html, /<img src="f.svg"/);
});

test("figures and pages are written to a folder", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-report-"));
  const fig = await writeFigure(dir, "fig1", linePlot(points, { title: "T", xTitle: "x", yTitle: "y" }), "caption");
  assert.match(readFileSync(join(dir, fig.svg), "utf8"), /^<svg/);
  assert.ok(readFileSync(join(dir, fig.png)).length > 1000);
  const page = writeReportPage(dir, { title: "R", meta: {}, sections: [{ heading: "h", figures: [fig] }] });
  assert.match(readFileSync(page, "utf8"), /fig1.svg/);
  assert.equal(
    toCsv(
      ["a", "b"],
      [
        [1, "x,y"],
        [null, 'q"'],
      ],
    ),
    'a,b\n1,"x,y"\n,"q"""\n',
  );
});
