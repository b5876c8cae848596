/**
 * liquidwave/node: everything that touches files (Node only).
 *
 * - models: {@link saveModel} (atomic) and {@link loadModel};
 * - datasets: .npy, .npz, MATLAB v5 / v7.3 and HDF5 readers and writers, and
 *   {@link loadChannelDataset} / {@link saveChannelDataset} from the layouts people store channels
 *   in (liquidwave npz, GLNN, DeepMIMO v2/v3/v4) to channels `H [T, K, Nk, M]`;
 * - reports: Vega-Lite plots rendered headless to SVG and PNG, CSV, the HTML report page, and the
 *   experiments' report writer;
 * - studies: {@link runStudy} (a task over a grid, thread pool or BullMQ queue, resumable),
 *   {@link summarizeStudy} (Student-t intervals), {@link writeStudyReport};
 * - {@link writeFileAtomic} and {@link readJsonOrYamlFile}, the file primitives the CLI uses.
 * @packageDocumentation
 */
export { saveModel, loadModel } from "./node/model-files.ts";
export { runBeamformWithData } from "./node/beamform.ts";
export * from "./io/index.ts";
export { writeFileAtomic, readTextFile, readJsonOrYamlFile } from "./core/fs.ts";
export { linePlot, type SeriesPoint, type LinePlotOptions } from "./report/plots.ts";
export { renderSvg, svgToPng } from "./report/render.ts";
export { renderHtml, type ReportDoc, type Section, type Figure, type Table } from "./report/html.ts";
export { writeFigure, toCsv, writeReportPage } from "./report/write.ts";
export { writeExperiment, experimentPoints } from "./report/experiment.ts";
export { writeDemoReport } from "./report/demo.ts";
export * from "./study/index.ts";
