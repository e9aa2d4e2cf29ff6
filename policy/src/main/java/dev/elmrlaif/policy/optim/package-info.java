/**
 * Optimisation of a {@code Map<String, NDArray>} of named parameters (trainable ones have a
 * gradient attached): {@link dev.elmrlaif.policy.optim.AdamW} (PyTorch's formula, per-group
 * learning-rate scale and weight decay, state saved as safetensors), {@link
 * dev.elmrlaif.policy.optim.GradientClipping} (global L2 norm) and {@link
 * dev.elmrlaif.policy.optim.LearningRateSchedule} (linear warmup, then constant, linear or cosine
 * decay to a floor). One training step:
 *
 * <pre>{@code
 * try (AdamW adamW = new AdamW(AdamWConfig.builder().weightDecay(0.1)
 *         .noDecayOnBiasNormAndEmbeddings().build(),
 *     LearningRateSchedule.warmupCosine(3e-4, 50, 1000, 0.1), manager)) {
 *   for (long step = 0; step < 1000; step++) {
 *     try (NDScope scope = new NDScope()) {
 *       try (GradientCollector collector = engine.newGradientCollector()) {
 *         collector.backward(loss(parameters));
 *       }
 *       double gradNorm = GradientClipping.clipByGlobalNorm(parameters, 1.0);
 *       double learningRate = adamW.step(parameters);   // also zeroes the gradients
 *     }
 *   }
 *   adamW.save(runFolder.resolve("optimizer.safetensors"));
 * }
 * }</pre>
 */
package dev.elmrlaif.policy.optim;
