/**
 * Bessel functions of the first kind, orders 0 and 1, to double precision.
 *
 * J0 is the autocorrelation of the isotropic-scattering (Clarke/Jakes) fading process,
 * ρ(τ) = J0(2π f_D τ), so the channel simulator, its tests and the Wiener predictors need it.
 *
 * Three regimes, each accurate to a few units in the last place of the absolute value:
 * - |x| ≤ 4: the power series J_n(x) = Σ_k (−1)^k (x/2)^{2k+n} / (k! (k+n)!), whose largest term
 *   is below 5, so the alternating sum loses at most one digit;
 * - 4 < |x| ≤ 25: Miller's backward recurrence J_{k−1} = (2k/x) J_k − J_{k+1} from a start index
 *   well above x, normalised with the identity J_0 + 2 Σ_{k≥1} J_{2k} = 1 (Abramowitz & Stegun 9.1.46, 9.12);
 * - |x| > 25: Hankel's asymptotic expansion (A&S 9.2.5) J_ν(x) = √(2/(πx)) (P cos χ − Q sin χ),
 *   χ = x − (ν/2 + 1/4)π, summed until the terms stop decreasing (the truncation error is then
 *   about e^{−2x} < 2e−22).
 */

const SERIES_MAX = 4;
const MILLER_MAX = 25;

function series(n: 0 | 1, x: number): number {
  const q = -(x * x) / 4;
  let term = n === 0 ? 1 : x / 2;
  let sum = term;
  for (let k = 1; k < 60; k++) {
    term *= q / (k * (k + n));
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return sum;
}

/** J0 and J1 of x > 0 by Miller's backward recurrence (both fall out of the same sweep). */
function miller(x: number): [number, number] {
  // Start index: well beyond the turning point k ≈ x, where J_k decays super-exponentially.
  let start = Math.ceil(x + 12 * Math.cbrt(x) + 30);
  if (start % 2 === 1) start += 1;
  let jp1 = 0; // J_{k+1}
  let jk = 1e-30; // J_k (arbitrary scale)
  let even = 0; // Σ J_{2k}, k ≥ 1 (scaled)
  let j0 = 0;
  let j1 = 0;
  for (let k = start; k >= 1; k--) {
    const jm1 = ((2 * k) / x) * jk - jp1;
    jp1 = jk;
    jk = jm1; // now J_{k-1}
    if ((k - 1) % 2 === 0 && k - 1 > 0) even += jk;
    if (k - 1 === 1) j1 = jk;
    if (Math.abs(jk) > 1e250) {
      // Rescale everything accumulated so far to stay in range.
      jk *= 1e-250;
      jp1 *= 1e-250;
      even *= 1e-250;
      j1 *= 1e-250;
    }
  }
  j0 = jk;
  const norm = j0 + 2 * even;
  return [j0 / norm, j1 / norm];
}

function hankel(nu: 0 | 1, x: number): number {
  const mu = 4 * nu * nu;
  const z8 = 8 * x;
  let p = 1;
  let q = 0;
  let term = 1;
  let prev = Infinity;
  for (let k = 1; k < 200; k++) {
    term *= (mu - (2 * k - 1) ** 2) / (k * z8);
    const a = Math.abs(term);
    if (a >= prev) break; // the asymptotic series starts to diverge: stop at its smallest term
    prev = a;
    // Terms alternate between Q (odd k) and P (even k) with signs + − + − within each.
    if (k % 2 === 1) q += ((k - 1) / 2) % 2 === 0 ? term : -term;
    else p += (k / 2) % 2 === 1 ? -term : term;
    if (a < 1e-18) break;
  }
  const chi = x - (nu / 2 + 0.25) * Math.PI;
  return Math.sqrt(2 / (Math.PI * x)) * (p * Math.cos(chi) - q * Math.sin(chi));
}

/**
 * Bessel function of the first kind of order 0, J0(x), for any finite x (even function).
 * @returns J0(x); NaN for NaN, 0 for ±Infinity
 */
export function besselJ0(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax === Infinity) return 0;
  if (ax <= SERIES_MAX) return series(0, ax);
  if (ax <= MILLER_MAX) return miller(ax)[0];
  return hankel(0, ax);
}

/**
 * Bessel function of the first kind of order 1, J1(x) (odd function); J0'(x) = −J1(x).
 * @returns J1(x); NaN for NaN, 0 for ±Infinity
 */
export function besselJ1(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax === Infinity) return 0;
  let v: number;
  if (ax <= SERIES_MAX) v = series(1, ax);
  else if (ax <= MILLER_MAX) v = miller(ax)[1];
  else v = hankel(1, ax);
  return x < 0 ? -v : v;
}

/** The first positive zero of J0, j_{0,1} = 2.404825557695773. */
export const BESSEL_J0_FIRST_ZERO = 2.404825557695773;

/**
 * Inverse of J0 on its first lobe: the x in [0, j_{0,1}] with J0(x) = y, for y in [0, 1].
 * Used to turn a measured lag-τ autocorrelation ρ into a Clarke-equivalent Doppler
 * f_D = x / (2π τ). Newton's method on J0(x) − y (J0' = −J1) from a bracketing start,
 * safeguarded by bisection.
 * @returns x, or NaN if y is outside [0, 1]
 */
export function besselJ0Inverse(y: number): number {
  if (!(y >= 0 && y <= 1)) return NaN;
  if (y === 1) return 0;
  let lo = 0;
  let hi = BESSEL_J0_FIRST_ZERO;
  // Start from the small-x expansion J0 ≈ 1 − x²/4, clamped to the bracket.
  let x = Math.min(Math.sqrt(4 * (1 - y)), hi);
  for (let i = 0; i < 100; i++) {
    const f = besselJ0(x) - y;
    if (f > 0) lo = x;
    else hi = x;
    const d = -besselJ1(x);
    let next = d !== 0 ? x - f / d : NaN;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-16 * Math.max(1, x)) return next;
    x = next;
  }
  return x;
}
