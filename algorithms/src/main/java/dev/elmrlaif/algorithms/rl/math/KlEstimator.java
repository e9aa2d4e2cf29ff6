package dev.elmrlaif.algorithms.rl.math;

/**
 * Single-sample estimators of {@code KL(π_θ ‖ π_ref)} at one token, from the log-probabilities the
 * policy ({@code logp}) and the reference ({@code logq}) give a token sampled from the policy
 * (Schulman, "Approximating KL divergence", 2020). In the objective H1 the penalty is {@code β·Σ_t
 * kl_t}.
 */
public enum KlEstimator {
  /**
   * {@code k1 = log p − log q}. Unbiased: {@code E_p[k1] = KL(p‖q)}. High variance and negative for
   * tokens the reference prefers.
   */
  K1 {
    @Override
    public double perToken(double logp, double logq) {
      return logp - logq;
    }
  },
  /**
   * {@code k2 = ½ (log p − log q)²}. Never negative, low variance, biased: {@code E_p[k2]} agrees
   * with {@code KL(p‖q)} to second order as {@code q → p}.
   */
  K2 {
    @Override
    public double perToken(double logp, double logq) {
      double d = logp - logq;
      return 0.5 * d * d;
    }
  },
  /**
   * {@code k3 = r − 1 − log r} with {@code r = q/p = exp(log q − log p)}. Unbiased ({@code E_p[r] =
   * 1}, so {@code E_p[k3] = E_p[−log r] = KL(p‖q)}) and never negative ({@code x − 1 ≥ log x}).
   * Computed as {@code expm1(d) − d}, {@code d = log q − log p}.
   */
  K3 {
    @Override
    public double perToken(double logp, double logq) {
      double d = logq - logp;
      return Math.expm1(d) - d;
    }
  };

  /**
   * The estimate at one token with policy log-prob {@code logp} and reference log-prob {@code
   * logq}.
   */
  public abstract double perToken(double logp, double logq);
}
