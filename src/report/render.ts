/**
 * Rendering plot specs without a browser: Vega-Lite → Vega → SVG (vega's headless renderer), and
 * SVG → PNG with resvg. Text is drawn with the DejaVu Sans font shipped in the `dejavu-fonts-ttf`
 * package (resvg silently drops text when no font is available).
 */
import { createRequire } from "node:module";
import type { TopLevelSpec } from "vega-lite";

const require = createRequire(import.meta.url);

/** Render a Vega-Lite spec to an SVG document. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vl = await import("vega-lite");
  const vega = await import("vega");
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** Rasterise an SVG to PNG at `scale` × its size. */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const { Resvg } = await import("@resvg/resvg-js");
  const font = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
  const png = new Resvg(svg, {
    font: { fontFiles: [font], loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" },
    fitTo: { mode: "zoom", value: scale },
    background: "white",
  })
    .render()
    .asPng();
  return new Uint8Array(png);
}
