/** Loading training / evaluation arrays for `model train|eval|run` from any readable file. */
import { fail, formatShape } from "../core/errors.ts";
import { ndToTensor } from "../core/ndarray.ts";
import type { Tensor } from "../core/tensor.ts";
import { readArrays } from "../io/read.ts";

/** Read the named real variables of a data file as float64 tensors. */
export async function readTensors(
  file: string,
  names: Record<string, string | undefined>,
  where: string,
): Promise<Record<string, Tensor | null>> {
  const wanted = Object.values(names).filter((n): n is string => n !== undefined);
  const { variables } = await readArrays(file, { variables: wanted });
  const out: Record<string, Tensor | null> = {};
  for (const [key, name] of Object.entries(names)) {
    if (name === undefined) {
      out[key] = null;
      continue;
    }
    const a = variables.get(name);
    if (!a) fail(where, `${file} has no variable '${name}'`);
    out[key] = ndToTensor(a, `${where} (${name} ${formatShape(a.shape)})`);
  }
  return out;
}
