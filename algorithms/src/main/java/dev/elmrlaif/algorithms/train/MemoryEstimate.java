package dev.elmrlaif.algorithms.train;

import ai.djl.ndarray.NDArray;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.GptConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A before-the-first-step estimate of a training step's memory, logged so a user sees a batch that
 * cannot fit before waiting for it, and the measured peak afterwards ({@code VmHWM}, the resident
 * high-water mark of this process, from {@code /proc/self/status}).
 *
 * <p>Bytes at the element size of the parameters (4 for float32):
 *
 * <pre>
 *   parameters  = sum of all parameter sizes
 *   gradients   = sum of trainable parameter sizes
 *   optimizer   = 2 * trainable (AdamW's first and second moments)
 *   activations = B * T * (layers * (16 d + 2 heads T) + 3 V)
 * </pre>
 *
 * Activations per token and layer: LayerNorm inputs and outputs, Q/K/V, attention output and
 * projection (about 8 d), the MLP's 4d-wide input and GELU output (8 d), plus scores and softmax
 * ({@code 2 heads T}); per token at the top: logits, log-softmax and its gradient ({@code 3 V}).
 */
public record MemoryEstimate(
    long parameterBytes, long gradientBytes, long optimizerBytes, long activationBytes) {

  /**
   * The estimate for {@code elm} with its current trainable groups, at {@code batch} sequences of
   * {@code tokens}.
   */
  public static MemoryEstimate of(Elm elm, int batch, int tokens) {
    long all = 0;
    for (NDArray p : elm.parameters().values()) {
      all += p.getShape().size();
    }
    long trainable = 0;
    for (NDArray p : elm.trainableParameters().values()) {
      trainable += p.getShape().size();
    }
    int bytes = elm.dataType().getNumOfBytes();
    GptConfig lm = elm.config().lm();
    long perToken =
        (long) lm.layers() * (16L * lm.dModel() + 2L * lm.heads() * tokens) + 3L * lm.vocabSize();
    return new MemoryEstimate(
        all * bytes,
        trainable * bytes,
        2 * trainable * bytes,
        (long) batch * tokens * perToken * bytes);
  }

  public long totalBytes() {
    return parameterBytes + gradientBytes + optimizerBytes + activationBytes;
  }

  /** The figures in MiB, for metrics and logs. */
  public Map<String, Double> asMebibytes() {
    Map<String, Double> figures = new LinkedHashMap<>();
    figures.put("memory_parameters_mib", mib(parameterBytes));
    figures.put("memory_gradients_mib", mib(gradientBytes));
    figures.put("memory_optimizer_mib", mib(optimizerBytes));
    figures.put("memory_activations_mib", mib(activationBytes));
    figures.put("memory_estimate_mib", mib(totalBytes()));
    return figures;
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "parameters %.1f MiB, gradients %.1f MiB, optimizer %.1f MiB, activations %.1f MiB; total %.1f MiB",
        mib(parameterBytes),
        mib(gradientBytes),
        mib(optimizerBytes),
        mib(activationBytes),
        mib(totalBytes()));
  }

  static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  /**
   * The resident-set high-water mark of this process in bytes; empty where /proc is unavailable.
   */
  public static OptionalLong peakResidentBytes() {
    Path status = Path.of("/proc/self/status");
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmHWM:")) {
          String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
          return OptionalLong.of(Long.parseLong(parts[0]) * 1024L);
        }
      }
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }
}
