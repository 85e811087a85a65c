/**
 * Middle-end pass "classify recurrences": reads a recurrence's step symbolically and gives its
 * canonical form {@code S_t = A_t S_{t-1} + Σ x uᵀ}, {@code o_t = f(q̃ @ S_t)} with its class
 * (diagonal, delta, general, nonlinear), the reason, and the pieces the chunked kernels need.
 *
 * <p>Entry point: {@link org.linlang.compiler.recurrence.RecurrenceClassifier}; result:
 * {@link org.linlang.compiler.recurrence.RecurrenceForm}. Inside: {@code StepEvaluator} runs the
 * statements over symbolic values ({@code Val}), {@code Algebra} keeps linear terms ({@code Term})
 * in the form {@code coeff · xᵀ L S R w}, {@code Factors} compares products, {@code Transitions}
 * and {@code Outputs} read the class off the result. Design note: docs/recurrences.md.
 */
package org.linlang.compiler.recurrence;
