/**
 * A synthetic token CoMDP small enough to enumerate, with everything about its KL-regularised
 * optimum known exactly (DESIGN.md §3, H1 and H5-H8): the closed-form optimal sequence
 * distribution, the soft values and per-prefix optimal policy, the objective and its exact gradient
 * for any tabular policy. Trainers are verified by training on it and measuring the total-variation
 * distance to the optimum.
 *
 * <p>Entry point: {@link dev.elmrlaif.algorithms.synthetic.SyntheticCoMdp#from(SyntheticConfig)}.
 */
package dev.elmrlaif.algorithms.synthetic;
