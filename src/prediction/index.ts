/**
 * Channel prediction (case study 1): windows of past CSI → the next samples, classical
 * baselines (hold, extrapolation, AR, Wiener-J0, Kalman, ridge, ESPRIT), learned predictors on
 * the nn core (MLP, GRU, LSTM, CfC, LTC, NCP), metrics and the predictor
 * registry. The experiment behind `liquidwave predict` (`runPrediction`) lives in `experiments/`.
 */
export * from "./trajectories.ts";
export * from "./windows.ts";
export * from "./features.ts";
export * from "./metrics.ts";
export * from "./predictor.ts";
export * from "./linear-filter.ts";
export * from "./hold.ts";
export * from "./extrapolation.ts";
export * from "./autoregressive.ts";
export * from "./doppler.ts";
export * from "./wiener.ts";
export * from "./kalman.ts";
export * from "./ridge.ts";
export * from "./esprit.ts";
export * from "./learned.ts";
export * from "./registry.ts";
