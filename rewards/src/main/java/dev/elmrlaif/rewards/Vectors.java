package dev.elmrlaif.rewards;

/**
 * Small float-vector helpers shared by the rewards: dot products, norms, cosine similarity, checks.
 */
public final class Vectors {

  private Vectors() {}

  public static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vector lengths differ: " + a.length + " vs " + b.length);
    }
    double sum = 0.0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  public static double norm(float[] a) {
    return Math.sqrt(dot(a, a));
  }

  /** {@code cos(a, b) = a·b / (‖a‖ ‖b‖)}; 0 when either vector is zero. */
  public static double cosine(float[] a, float[] b) {
    double na = norm(a);
    double nb = norm(b);
    return na == 0.0 || nb == 0.0 ? 0.0 : dot(a, b) / (na * nb);
  }

  /**
   * Throws {@link InvalidRewardInputException} naming {@code what} and the first bad index if the
   * vector holds NaN or an infinity.
   */
  public static void requireFinite(String what, float[] vector) {
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new InvalidRewardInputException(
            what + " holds " + vector[i] + " at index " + i + ", expected finite values");
      }
    }
  }
}
