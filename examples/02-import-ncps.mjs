// Import a model trained in ncps (PyTorch): the export format of tools/ncps_export.py
// ("ncps-golden/1": class, constructor arguments, wiring, parameters by state-dict name and, as
// here, reference runs recorded in PyTorch). liquidwave rebuilds the same model and reproduces
// ncps's outputs, with regular and with irregular time steps.
//
//   node examples/02-import-ncps.mjs [export.json]
import { readFileSync } from "node:fs";
import { importNcpsModel, verifyNcpsDocument, tensor, modelToJSON } from "liquidwave";

const path = process.argv[2] ?? new URL("./data/cfc-autoncp16.ncps.json", import.meta.url);
const doc = JSON.parse(readFileSync(path, "utf8"));
console.log(
  `ncps export: ${doc.model.class}(${doc.model.ctor.input_size}, ${doc.model.ctor.units}), mode ${doc.model.ctor.mode ?? "-"}, ${doc.parameters.length} parameter tensors`,
);

// 1. The model, ready to use: same class, wiring and weights.
const model = importNcpsModel(doc);
console.log(
  `imported: ${model.constructor.name}, ${model.inputSize} inputs, ${model.stateSize} neurons, ${model.outputSize} outputs, ${model.parameterCount} parameters`,
);

// 2. Run it on the export's recorded input (shape [B, L, I]) with its per-sample timespans [B, L].
for (const run of doc.runs) {
  const x = tensor(Float64Array.from(run.input.data), run.input.shape);
  const timespans = run.timespans ? tensor(Float64Array.from(run.timespans.data), run.timespans.shape) : null;
  const { output } = model.forward(x, { timespans });
  let worst = 0;
  output.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - run.output.data[i]))));
  console.log(`run '${run.name}': output [${output.shape}], largest |liquidwave - ncps| = ${worst.toExponential(2)}`);
}

// 3. Or let liquidwave check every recorded quantity (outputs, hidden states, final state; and the
//    gradients when the export has them) to rtol 1e-9.
const report = verifyNcpsDocument(doc);
console.log(
  `verifyNcpsDocument: ${report.pass ? "PASS" : "FAIL"} (max abs error: outputs ${report.maxAbsErr.outputs.toExponential(2)}, states ${report.maxAbsErr.states.toExponential(2)})`,
);
if (!report.pass) process.exitCode = 1;

// 4. From here it is a liquidwave model: fine-tune it with fit(), save it with modelToJSON / saveModel.
console.log(`liquidwave document: format ${modelToJSON(model).format}`);
