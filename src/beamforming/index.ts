/**
 * Robust MU-MIMO beamforming: the downlink system model, per-user rates and their closed-form
 * gradients (in the precoder V and in the channel row space X with `V = H^H X`), closed-form
 * precoders (MRT, ZF, RZF, BD), WMMSE (Shi 2011; subspace, eigen and naive bisection solvers;
 * robust variant), R-WMMSE (Zhao 2023), the design-on-estimate / score-on-truth protocol, the
 * learned beamformers (GLNN, LAGD, the LSTM baseline) and `linalg`, the complex matrix algebra
 * (planar re/im, row-major) the algorithms are written in.
 * @packageDocumentation
 */
export * as linalg from "../core/linalg/index.ts";
export type { ComplexTensor } from "../core/complex.ts";
export * from "./system.ts";
export * from "./rate.ts";
export * from "./power.ts";
export * from "./precoders.ts";
export * from "./mmse-step.ts";
export * from "./wmmse.ts";
export * from "./rwmmse.ts";
export * from "./evaluate.ts";
export * from "./trajectory.ts";
export * from "./glnn.ts";
export * from "./lagd.ts";
export * from "./learned.ts";
export * from "./direct.ts";
export * from "./run.ts";
export * from "./track.ts";
export * from "./smooth-liquid.ts";
