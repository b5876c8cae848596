/** Physical constants and unit conversions used by the channel simulator. */

/** Speed of light in vacuum, m/s (exact by definition of the metre). */
export const SPEED_OF_LIGHT = 299_792_458;

/**
 * Wavelength in m of a carrier at `fcHz`.
 * @param fcHz - carrier frequency, Hz
 * @returns λ = c/f_c, m
 */
export function wavelength(fcHz: number): number {
  return SPEED_OF_LIGHT / fcHz;
}

/** Degrees to radians. */
export const DEG = Math.PI / 180;

/** Power ratio from dB. */
export function dbToLinear(db: number): number {
  return 10 ** (db / 10);
}

/** dB from a power ratio. */
export function linearToDb(x: number): number {
  return 10 * Math.log10(x);
}
