/**
 * Special functions that JavaScript's Math lacks.
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * The error function erf(x) = 2/√π ∫₀ˣ e^{−t²} dt, to a few ulp.
 *
 * For |x| < 6 it sums the all-positive series erf(x) = 2/√π · e^{−x²} · Σₙ 2ⁿ x^{2n+1} / (2n+1)!!
 * (no cancellation, so relative accuracy holds everywhere); beyond, erf(x) = ±1 in float64
 * (erfc(6) ≈ 2e−17 is below half an ulp of 1).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return x > 0 ? 1 : -1;
  const x2 = ax * ax;
  let term = ax;
  let sum = ax;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  return x < 0 ? -r : r;
}

/** Below this |x| J0 uses the trapezoidal rule on Bessel's integral, above it Hankel's expansion. */
const J0_SWITCH = 25;

/**
 * The Bessel function of the first kind of order zero, J0(x), to ~1e-15 absolute.
 *
 * - |x| < 25: Bessel's integral J0(x) = (1/2π) ∫₀^{2π} cos(x sin θ) dθ by the N-point trapezoidal
 *   rule. For a periodic integrand the rule returns Σ_{k∈ℤ} J_{kN}(x) exactly (the Jacobi–Anger
 *   series aliased at multiples of N), so with N = 2⌈|x|⌉ + 40 the error 2 Σ_{k≥1} J_{kN}(x) is
 *   below 1e-30: only rounding of the N-term sum (~√N ulp) remains.
 * - |x| ≥ 25: Hankel's asymptotic expansion J0(x) = √(2/(πx)) (P cos χ − Q sin χ), χ = x − π/4,
 *   P = Σ_k (−1)^k t_{2k}, Q = Σ_k (−1)^k t_{2k+1}, t_0 = 1, t_n = −t_{n−1} (2n−1)² / (8 n x);
 *   summed until the terms stop shrinking (the smallest term is ~e^{−2x} < 1e−21).
 *
 * Used for the Clarke/Jakes autocorrelation ρ(τ) = J0(2π f_D τ).
 */
export function besselJ0(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax === Infinity) return 0;
  if (ax < J0_SWITCH) {
    const n = 2 * Math.ceil(ax) + 40;
    // cos(x sin θ) is symmetric under θ → π − θ and θ → −θ; the plain sum keeps the code obvious
    // and costs ~100 cosines.
    let s = 0;
    for (let k = 0; k < n; k++) s += Math.cos(ax * Math.sin((2 * Math.PI * k) / n));
    return s / n;
  }
  let p = 0, q = 0;
  let t = 1;
  let prev = Infinity;
  for (let k = 0; k < 200; k++) {
    if (Math.abs(t) >= prev) break;
    prev = Math.abs(t);
    // k even → P with sign (−1)^{k/2}; k odd → Q with sign (−1)^{(k−1)/2}.
    const sign = (k >> 1) % 2 === 0 ? 1 : -1;
    if (k % 2 === 0) p += sign * t;
    else q += sign * t;
    if (Math.abs(t) < 1e-17) break;
    t *= -((2 * k + 1) * (2 * k + 1)) / (8 * (k + 1) * ax);
  }
  const chi = ax - Math.PI / 4;
  return Math.sqrt(2 / (Math.PI * ax)) * (p * Math.cos(chi) - q * Math.sin(chi));
}
