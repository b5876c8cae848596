/** Reports: plot specs, headless rendering (SVG, PNG) and the HTML page. */
export * from "./plots.ts";
export * from "./render.ts";
export * from "./html.ts";
export * from "./write.ts";
export * from "./experiment.ts";
