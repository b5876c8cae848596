/**
 * Complex dense linear algebra on planar row-major matrices ({@link CMat}): products (including
 * `A^H B`, `A B^H`, Gram matrices), LU with partial pivoting, Cholesky, inverses, solves,
 * log-determinants, the Hermitian eigendecomposition, 2 × 2 closed forms and the reverse-mode
 * (Wirtinger) rules of these primitives.
 */
export * from "./cmat.ts";
export * from "./matmul.ts";
export * from "./lu.ts";
export * from "./cholesky.ts";
export * from "./eigh.ts";
export * from "./eig.ts";
export * from "./small.ts";
export * from "./grad.ts";
