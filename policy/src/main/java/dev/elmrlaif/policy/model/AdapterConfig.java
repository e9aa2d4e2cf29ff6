package dev.elmrlaif.policy.model;

/**
 * Shape of the embedding adapter {@code E_A : R^n -> R^d} (DESIGN.md §1), the 2-layer MLP that
 * turns a domain embedding into one input row of the language model.
 *
 * @param domainDim {@code n}, the width of the domain embeddings
 * @param hiddenDim width of the hidden layer
 * @param initStd standard deviation of the output layer's initial weights; the hidden layer is
 *     initialised with {@code 1/sqrt(domainDim)} so its pre-activations start at unit scale
 */
public record AdapterConfig(int domainDim, int hiddenDim, double initStd) {
  public AdapterConfig {
    if (domainDim <= 0) {
      throw new IllegalArgumentException(
          "AdapterConfig.domainDim: found " + domainDim + ", expected an integer > 0");
    }
    if (hiddenDim <= 0) {
      throw new IllegalArgumentException(
          "AdapterConfig.hiddenDim: found " + hiddenDim + ", expected an integer > 0");
    }
    if (!(initStd > 0 && Double.isFinite(initStd))) {
      throw new IllegalArgumentException(
          "AdapterConfig.initStd: found " + initStd + ", expected a finite value > 0");
    }
  }
}
