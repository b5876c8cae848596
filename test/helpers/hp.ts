/**
 * A slow high-precision oracle for elementary functions: BigInt fixed point with 320 fraction
 * bits, results correctly rounded to double (BigInt → Number rounds to nearest). Used to measure
 * errors in ulps against the true value rather than against another approximation.
 */
const F = 320n;
const ONE = 1n << F;

/** Exact fixed-point value of a finite double. */
function fromDouble(x: number): bigint {
  if (x === 0) return 0n;
  const e = Math.floor(Math.log2(Math.abs(x)));
  const m = BigInt(Math.abs(x) * 2 ** (52 - e)); // the 53-bit significand, exactly
  const sh = BigInt(e - 52) + F;
  const v = sh >= 0n ? m << sh : m >> -sh;
  return x < 0 ? -v : v;
}

/** Nearest double to num/den (both positive; result in the normal range). */
function ratio(num: bigint, den: bigint): number {
  // Scale the quotient to ~2⁸⁰ so that its truncation cannot change the rounding to 53 bits
  // (except within 2⁻²⁷ ulp of a tie), then undo the scale with two exact power-of-two steps.
  const s = 80 - (num.toString(2).length - den.toString(2).length);
  const q = s >= 0 ? (num << BigInt(s)) / den : num / (den << BigInt(-s));
  const half = Math.trunc(s / 2);
  return Number(q) * 2 ** -half * 2 ** -(s - half);
}

/** Signed num/den. */
function toDouble(num: bigint, den = ONE): number {
  return num < 0n ? -ratio(-num, den) : num === 0n ? 0 : ratio(num, den);
}

/** e^z in fixed point: halve until |z| < 2^-8, Taylor, square back. */
function expFixed(z: bigint): bigint {
  let k = 0n;
  while ((z < 0n ? -z : z) > ONE >> 8n) {
    z /= 2n;
    k++;
  }
  let term = ONE,
    sum = ONE;
  for (let n = 1n; term !== 0n; n++) {
    term = (term * z) / (n * ONE);
    sum += term;
  }
  for (let i = 0n; i < k; i++) sum = (sum * sum) >> F;
  return sum;
}

export function expHP(x: number): number {
  // e^x = 1/e^{|x|} for negative x keeps the fixed-point value large.
  return x >= 0 ? toDouble(expFixed(fromDouble(x))) : toDouble(ONE, expFixed(-fromDouble(x)));
}

export function sigmoidHP(x: number): number {
  return toDouble(ONE, ONE + expFixed(-fromDouble(x)));
}

export function tanhHP(x: number): number {
  const e = expFixed(2n * fromDouble(x));
  return toDouble(e - ONE, e + ONE);
}

/** |a − b| in units of the last place of b (b normal and nonzero). */
export function ulpDiff(a: number, b: number): number {
  if (a === b) return 0;
  const ulp = 2 ** (Math.floor(Math.log2(Math.abs(b))) - 52);
  return Math.abs(a - b) / ulp;
}
