/**
 * Robust MU-MIMO beamforming: the downlink system model, per-user rates and their closed-form
 * gradients (in the precoder V and in the channel row space X with `V = H^H X`), closed-form
 * precoders (MRT, ZF, RZF, BD), WMMSE (Shi 2011; subspace, eigen and naive bisection solvers;
 * robust variant), R-WMMSE (Zhao 2023), and the design-on-estimate / score-on-truth protocol.
 */
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
export * from "./run.ts";
