package dev.elmrlaif.policy.optim;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * A read-only view of {@link AdamW}'s state: the number of completed updates {@code t} and the
 * moment tensors by parameter name ({@code exp_avg} and {@code exp_avg_sq} in PyTorch's terms). The
 * arrays belong to the optimizer; do not close or modify them.
 *
 * @param step updates applied so far
 * @param firstMoments {@code m}, the running average of gradients, by parameter name
 * @param secondMoments {@code v}, the running average of squared gradients, by parameter name
 */
public record AdamWState(
    long step, Map<String, NDArray> firstMoments, Map<String, NDArray> secondMoments) {}
