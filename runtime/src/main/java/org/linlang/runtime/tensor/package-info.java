/**
 * The runtime's CPU tensors: what every engine reads and writes, and the operations the interpreter
 * runs one by one.
 *
 * <ul>
 *   <li>{@link org.linlang.runtime.tensor.Tensor} is a strided view over off-heap little-endian
 *       memory; views share it. {@link org.linlang.runtime.tensor.DType} lists the element types;
 *       f16 and bf16 are storage only and compute in f32.
 *   <li>Operations are static methods grouped by kind: {@code Elementwise} (numpy broadcasting),
 *       {@code Reductions} (sums, extremes, softmax, cumsum), {@code LinAlg} (matmul on ND4J's
 *       OpenBLAS, reading tensors in place), {@code Shapes} (concat, stack, split) and
 *       {@code Creation} (constants, ranges, seeded random numbers).
 *   <li>Everything except matrix products runs in plain Java loops over chunks of at most 4096
 *       elements ({@code ChunkLoop}, {@code Pointwise}): measured on the project's 2-core machine they
 *       are as fast as ND4J's for these memory-bound operations (a 4M-element sum: ~4 ms against ND4J's
 *       6-9 ms), more accurate (double accumulators, transcendentals in double) and numpy-exact where
 *       ND4J is not (ND4J's max and min skip NaN).
 *   <li>Files: {@code SafeTensors} and {@code Npy} memory-map what they read and check every header
 *       field, reporting {@link org.linlang.runtime.tensor.TensorFormatException}s that name the file
 *       and the tensor. {@code TensorPrinter} defines the text form.
 * </ul>
 */
package org.linlang.runtime.tensor;
