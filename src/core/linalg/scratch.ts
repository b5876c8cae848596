/**
 * Reusable scratch buffers for the kernels. V8 keeps only tiny typed arrays (<= 64 bytes) on its
 * heap; anything larger gets a separately allocated, zero-filled backing store, which costs about a
 * microsecond: more than the arithmetic of an 8 × 8 eigendecomposition. Kernels therefore borrow
 * their workspaces here, one named slot per use site (JavaScript is single-threaded and no kernel
 * that borrows a slot calls itself, so slots never overlap).
 */
const slots = new Map<string, Float64Array>();

/**
 * A scratch view of `n` doubles for the use site `slot`. Contents are undefined (not zeroed);
 * valid until the next call with the same slot.
 */
export function scratch(slot: string, n: number): Float64Array {
  let buf = slots.get(slot);
  if (!buf || buf.length < n) {
    buf = new Float64Array(Math.max(n, 2 * (buf?.length ?? 0)));
    slots.set(slot, buf);
  }
  return buf.subarray(0, n);
}
