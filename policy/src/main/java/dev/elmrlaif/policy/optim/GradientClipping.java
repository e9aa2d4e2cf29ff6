package dev.elmrlaif.policy.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Global-norm gradient clipping, as {@code torch.nn.utils.clip_grad_norm_}: the L2 norm over all
 * gradients taken together, {@code ||g|| = sqrt(sum_p ||g_p||^2)}, and when it exceeds {@code
 * maxNorm} every gradient is scaled in place by {@code maxNorm / (||g|| + 1e-6)}. DJL's own {@code
 * optClipGrad} clamps element-wise (and only from above on PyTorch), which is not this.
 *
 * <p>Cost: one norm and one cast to float64 per tensor (so float32 and float64 gradients mix), one
 * stack and norm, one read-back, and one scale per tensor when clipping. Parameters without an
 * attached gradient (frozen ones) are ignored.
 */
public final class GradientClipping {

  /** Added to the norm before dividing, as PyTorch does, so an all-zero gradient is safe. */
  public static final double NORM_EPSILON = 1e-6;

  private static final Logger LOG = LogManager.getLogger(GradientClipping.class);

  private GradientClipping() {}

  /**
   * Rescales the gradients of {@code parameters} so their global L2 norm is at most {@code
   * maxNorm}, and returns the norm before clipping (for metrics). A non-finite norm (a NaN or
   * infinite gradient) is returned and the gradients are left as they are, so the caller can skip
   * the update.
   */
  public static double clipByGlobalNorm(Map<String, NDArray> parameters, double maxNorm) {
    if (!(maxNorm > 0) || !Double.isFinite(maxNorm)) {
      throw new IllegalArgumentException("maxNorm must be a finite number > 0, found " + maxNorm);
    }
    try (NDScope scope = new NDScope()) {
      List<NDArray> gradients = gradientsOf(parameters);
      double norm = globalNorm(gradients);
      if (!Double.isFinite(norm)) {
        LOG.warn("gradient norm is {}; gradients left unclipped", norm);
        return norm;
      }
      double scale = maxNorm / (norm + NORM_EPSILON);
      if (scale < 1) {
        try (NDArray factor = gradients.get(0).getManager().create(scale)) {
          for (NDArray gradient : gradients) {
            gradient.muli(factor);
          }
        }
      }
      return norm;
    }
  }

  /**
   * The one gradient step of every trainer: with {@code maxNorm > 0}, {@link #clipByGlobalNorm};
   * otherwise ({@code grad_clip: 0}, no clipping) only the norm, {@link #globalNorm}. Returns the
   * norm before clipping.
   */
  public static double clipOrMeasure(Map<String, NDArray> parameters, double maxNorm) {
    return maxNorm > 0 ? clipByGlobalNorm(parameters, maxNorm) : globalNorm(parameters);
  }

  /**
   * Sets the gradient of every parameter of {@code parameters} to 0 in place (DJL never zeroes
   * gradients itself; a backward pass adds to what is there).
   */
  public static void zeroGradients(Map<String, NDArray> parameters) {
    for (NDArray parameter : parameters.values()) {
      try (NDArray gradient = parameter.getGradient()) {
        gradient.subi(gradient);
      }
    }
  }

  /**
   * Throws {@link IllegalStateException} when a loss or the gradient norm is not finite (a step
   * that would write NaN into the weights), with one line: {@code where}, the losses and the norm,
   * and {@code advice} (which key to change).
   *
   * @param losses the update's losses by name, in the order the message lists them; a single one
   *     named {@code loss} reads "loss X", several read "losses q X, v Y"
   */
  public static void requireFinite(
      String where, Map<String, Double> losses, double gradNorm, String advice) {
    boolean finite = Double.isFinite(gradNorm);
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, Double> loss : losses.entrySet()) {
      finite &= Double.isFinite(loss.getValue());
      text.append(text.length() == 0 ? "" : ", ")
          .append(losses.size() == 1 ? "" : loss.getKey() + " ")
          .append(loss.getValue());
    }
    if (!finite) {
      throw new IllegalStateException(
          where
              + ": "
              + (losses.size() == 1 ? "loss " : "losses ")
              + text
              + ", gradient norm "
              + gradNorm
              + "; expected finite values ("
              + advice
              + ")");
    }
  }

  /** The global L2 norm of the gradients of {@code parameters}, without changing them. */
  public static double globalNorm(Map<String, NDArray> parameters) {
    try (NDScope scope = new NDScope()) {
      return globalNorm(gradientsOf(parameters));
    }
  }

  private static List<NDArray> gradientsOf(Map<String, NDArray> parameters) {
    List<NDArray> gradients = new ArrayList<>(parameters.size());
    for (NDArray parameter : parameters.values()) {
      if (parameter.hasGradient()) {
        gradients.add(parameter.getGradient());
      }
    }
    return gradients;
  }

  private static double globalNorm(List<NDArray> gradients) {
    if (gradients.isEmpty()) {
      return 0;
    }
    NDList norms = new NDList(gradients.size());
    for (NDArray gradient : gradients) {
      norms.add(gradient.norm().toType(DataType.FLOAT64, false)); // mixed precisions stack
    }
    return NDArrays.stack(norms).norm().getDouble();
  }
}
