package dev.elmrlaif.policy.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.policy.io.Safetensors;
import dev.elmrlaif.policy.io.SafetensorsContent;
import dev.elmrlaif.policy.io.SafetensorsFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * AdamW with decoupled weight decay, computing exactly what {@code torch.optim.AdamW} computes,
 * over a {@code Map<String, NDArray>} of named parameters (Hugging Face GPT-2 names). Parameters
 * with a gradient attached are trained; the others (frozen ones) are skipped. The moments are
 * tensors this optimizer owns, keyed by parameter name, so {@link #save} and {@link #load} can
 * checkpoint them and a resumed run continues bit for bit.
 *
 * <p>At update {@code t = 1, 2, ...} with scheduled learning rate {@code lr} (times the group's
 * scale) and the group's weight decay {@code wd}, for each parameter {@code p} with gradient {@code
 * g}:
 *
 * <pre>
 *   p = p * (1 - lr * wd)                          decoupled decay (Loshchilov and Hutter)
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   p = p - (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps),   bc_i = 1 - beta_i^t
 * </pre>
 *
 * then the gradient is zeroed (DJL never zeroes gradients itself). Call {@link #step} after the
 * gradient collector is closed: in-place updates of a leaf that requires a gradient are only
 * allowed with autograd off. A parameter whose gradient was never computed counts as a zero
 * gradient (PyTorch would skip it), so it still decays and moves by its momentum.
 *
 * <p>Typical loop: {@code backward; GradientClipping.clipByGlobalNorm(params, 1.0);
 * adamW.step(params);}
 */
public final class AdamW implements AutoCloseable {

  /** The {@code format} metadata value of files written by {@link #save}. */
  public static final String STATE_FORMAT = "elm-rlaif/adamw-state-v1";

  private static final String FIRST_MOMENT_PREFIX = "exp_avg.";
  private static final String SECOND_MOMENT_PREFIX = "exp_avg_sq.";
  private static final Logger LOG = LogManager.getLogger(AdamW.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AdamWConfig config;
  private final LearningRateSchedule schedule;
  private final NDManager stateManager;
  private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
  private final Map<String, OptimizerGroup> groupByName = new HashMap<>();

  /** Moments loaded from a file and not yet checked against their parameter's shape and device. */
  private final Set<String> unverified = new HashSet<>();

  private long completedSteps;
  private double lastLearningRate = Double.NaN;

  /**
   * An optimizer whose moment tensors live in a child of {@code manager}; {@link #close} frees
   * them.
   */
  public AdamW(AdamWConfig config, LearningRateSchedule schedule, NDManager manager) {
    if (config == null || schedule == null || manager == null) {
      throw new IllegalArgumentException(
          "config, schedule and manager must not be null, found "
              + config
              + ", "
              + schedule
              + ", "
              + manager);
    }
    this.config = config;
    this.schedule = schedule;
    this.stateManager = manager.newSubManager();
  }

  /**
   * Applies update number {@link #stepCount()} + 1 to every parameter that has a gradient, zeroes
   * those gradients, and returns the (unscaled) learning rate the schedule gave for this update.
   *
   * @throws IllegalStateException if a gradient collector is still open (autograd is on)
   */
  public double step(Map<String, NDArray> parameters) {
    if (JniUtils.isGradMode()) {
      throw new IllegalStateException(
          "AdamW.step was called while a GradientCollector is open; "
              + "close it (after backward) before updating the parameters in place");
    }
    double learningRate = schedule.learningRate(completedSteps);
    long t = completedSteps + 1;
    double biasCorrection1 = 1 - Math.pow(config.beta1(), t);
    double biasCorrection2 = 1 - Math.pow(config.beta2(), t);
    Map<String, NDArray> trainable = new LinkedHashMap<>();
    parameters.forEach(
        (name, parameter) -> {
          if (parameter.hasGradient()) {
            ensureState(name, parameter);
            trainable.put(name, parameter);
          }
        });
    try (NDScope scope = new NDScope()) {
      Map<Rates, StepScalars> scalarsByRates = new HashMap<>();
      for (Map.Entry<String, NDArray> entry : trainable.entrySet()) {
        String name = entry.getKey();
        NDArray parameter = entry.getValue();
        OptimizerGroup group = groupByName.get(name);
        double groupRate = learningRate * group.learningRateScale();
        try (NDArray gradient = parameter.getGradient()) {
          if (config.kernel() == AdamWKernel.NATIVE) {
            nativeUpdate(
                parameter,
                gradient,
                firstMoments.get(name),
                secondMoments.get(name),
                groupRate,
                group.weightDecay(),
                biasCorrection1,
                biasCorrection2);
          } else {
            StepScalars scalars =
                scalarsByRates.computeIfAbsent(
                    new Rates(groupRate, group.weightDecay()),
                    rates ->
                        new StepScalars(
                            stateManager, config, rates, biasCorrection1, biasCorrection2));
            handWrittenUpdate(
                parameter, gradient, firstMoments.get(name), secondMoments.get(name), scalars);
            JniUtils.zeroGrad((PtNDArray) parameter);
          }
        }
      }
    }
    completedSteps = t;
    lastLearningRate = learningRate;
    return learningRate;
  }

  /**
   * torch.optim.AdamW's single-tensor update, op for op (see the class comment). The gradient is
   * used as scratch space (it is zeroed right after), which saves one full-size temporary.
   */
  private static void handWrittenUpdate(NDArray p, NDArray g, NDArray m, NDArray v, StepScalars s) {
    if (s.decays) {
      p.muli(s.decayFactor); // p *= 1 - lr * wd
    }
    v.muli(s.beta2).addi(g.square().muli(s.oneMinusBeta2)); // v = b2 v + (1 - b2) g^2
    m.muli(s.beta1).addi(g.muli(s.oneMinusBeta1)); // m = b1 m + (1 - b1) g; g is spent
    NDArray denominator = v.sqrt().divi(s.sqrtBiasCorrection2).addi(s.epsilon);
    p.subi(m.div(denominator).muli(s.stepSize)); // p -= (lr / bc1) m / denominator
  }

  /**
   * The engine's fused Adam kernel: {@code p -= p * lr * wd; m, v as above; p -= lrBc * m /
   * (sqrt(v) + epsBc)}, then the gradient is zeroed. With {@code lrBc = lr * sqrt(bc2) / bc1} and
   * {@code epsBc = eps * sqrt(bc2)} this equals the hand-written formula.
   */
  private void nativeUpdate(
      NDArray p,
      NDArray g,
      NDArray m,
      NDArray v,
      double learningRate,
      double weightDecay,
      double biasCorrection1,
      double biasCorrection2) {
    double sqrtBiasCorrection2 = Math.sqrt(biasCorrection2);
    p.getNDArrayInternal()
        .adamUpdate(
            new NDList(p, g, m, v),
            new NDList(p),
            (float) learningRate,
            (float) (learningRate * sqrtBiasCorrection2 / biasCorrection1),
            (float) weightDecay,
            1f, // no gradient rescaling
            -1f, // no element-wise clipping
            (float) config.beta1(),
            (float) config.beta2(),
            (float) (config.epsilon() * sqrtBiasCorrection2),
            false,
            true); // decoupled (AdamW) weight decay
  }

  /** The learning rate and weight decay one group uses at one update. */
  private record Rates(double learningRate, double weightDecay) {}

  /** Per-update scalars as 0-d float64 arrays, so no op converts a Java number on its own. */
  private static final class StepScalars {
    final boolean decays;
    final NDArray decayFactor;
    final NDArray beta1;
    final NDArray oneMinusBeta1;
    final NDArray beta2;
    final NDArray oneMinusBeta2;
    final NDArray sqrtBiasCorrection2;
    final NDArray epsilon;
    final NDArray stepSize;

    StepScalars(
        NDManager manager,
        AdamWConfig config,
        Rates rates,
        double biasCorrection1,
        double biasCorrection2) {
      double learningRate = rates.learningRate();
      decays = rates.weightDecay() != 0;
      decayFactor = manager.create(1 - learningRate * rates.weightDecay());
      beta1 = manager.create(config.beta1());
      oneMinusBeta1 = manager.create(1 - config.beta1());
      beta2 = manager.create(config.beta2());
      oneMinusBeta2 = manager.create(1 - config.beta2());
      sqrtBiasCorrection2 = manager.create(Math.sqrt(biasCorrection2));
      epsilon = manager.create(config.epsilon());
      stepSize = manager.create(learningRate / biasCorrection1);
    }
  }

  private void ensureState(String name, NDArray parameter) {
    if (!(parameter instanceof PtNDArray)) {
      throw new IllegalArgumentException(
          "parameter "
              + name
              + " is a "
              + parameter.getClass().getSimpleName()
              + "; AdamW needs DJL's PyTorch engine");
    }
    groupByName.computeIfAbsent(name, config::groupFor);
    NDArray first = firstMoments.get(name);
    if (first == null) {
      firstMoments.put(name, newMoment(parameter));
      secondMoments.put(name, newMoment(parameter));
    } else if (unverified.remove(name)) {
      firstMoments.put(name, matchParameter(name, "exp_avg", first, parameter));
      secondMoments.put(
          name, matchParameter(name, "exp_avg_sq", secondMoments.get(name), parameter));
    }
  }

  private NDArray newMoment(NDArray parameter) {
    NDArray moment = parameter.zerosLike();
    moment.attach(stateManager);
    NDScope.unregister(moment); // a caller's scope must not free optimizer state
    return moment;
  }

  private NDArray matchParameter(String name, String kind, NDArray moment, NDArray parameter) {
    if (!moment.getShape().equals(parameter.getShape())
        || moment.getDataType() != parameter.getDataType()) {
      throw new IllegalStateException(
          "loaded optimizer state "
              + kind
              + " for parameter "
              + name
              + " is "
              + moment.getDataType()
              + moment.getShape()
              + " but the parameter is "
              + parameter.getDataType()
              + parameter.getShape()
              + "; the state file belongs to a different model");
    }
    if (moment.getDevice().equals(parameter.getDevice())) {
      return moment;
    }
    NDArray moved = moment.toDevice(parameter.getDevice(), true);
    moved.attach(stateManager);
    NDScope.unregister(moved);
    moment.close();
    return moved;
  }

  /** Number of updates applied so far (restored by {@link #load}). */
  public long stepCount() {
    return completedSteps;
  }

  /** The learning rate of the last update, NaN before the first; for metrics. */
  public double lastLearningRate() {
    return lastLearningRate;
  }

  /** The schedule this optimizer follows. */
  public LearningRateSchedule schedule() {
    return schedule;
  }

  /** The hyperparameters this optimizer uses. */
  public AdamWConfig config() {
    return config;
  }

  /** A read-only view of the step count and moments. */
  public AdamWState state() {
    return new AdamWState(
        completedSteps,
        Collections.unmodifiableMap(firstMoments),
        Collections.unmodifiableMap(secondMoments));
  }

  /**
   * Writes the state to one safetensors file, atomically: tensors {@code exp_avg.<name>} and {@code
   * exp_avg_sq.<name>}, and metadata {@code format}, {@code step} and {@code hyperparameters} (JSON
   * of the config and schedule, for the record).
   */
  public void save(Path file) throws IOException {
    LinkedHashMap<String, NDArray> tensors = new LinkedHashMap<>();
    firstMoments.forEach((name, moment) -> tensors.put(FIRST_MOMENT_PREFIX + name, moment));
    secondMoments.forEach((name, moment) -> tensors.put(SECOND_MOMENT_PREFIX + name, moment));
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", STATE_FORMAT);
    metadata.put("step", Long.toString(completedSteps));
    metadata.put("hyperparameters", hyperparametersJson());
    Safetensors.write(file, tensors, metadata);
  }

  /**
   * Replaces this optimizer's state with the one {@link #save} wrote to {@code file}: the step
   * count (so the schedule resumes where it stopped) and the moments. Shapes are checked against
   * the parameters at the next {@link #step}. Differing hyperparameters are logged, not refused:
   * this optimizer's config wins.
   *
   * @throws SafetensorsFormatException if the file is not an AdamW state file
   */
  public void load(Path file) throws IOException {
    SafetensorsContent content = Safetensors.read(file, stateManager);
    try {
      Map<String, String> metadata = content.metadata();
      if (!STATE_FORMAT.equals(metadata.get("format"))) {
        throw new SafetensorsFormatException(
            file,
            "metadata \"format\" is "
                + metadata.get("format")
                + ", expected "
                + STATE_FORMAT
                + " (a file written by AdamW.save)");
      }
      long step = parseStep(file, metadata.get("step"));
      Map<String, NDArray> first = new LinkedHashMap<>();
      Map<String, NDArray> second = new LinkedHashMap<>();
      boolean unknownTensor = false;
      for (Map.Entry<String, NDArray> tensor : content.tensors().entrySet()) {
        String key = tensor.getKey();
        NDScope.unregister(tensor.getValue());
        if (key.startsWith(SECOND_MOMENT_PREFIX)) {
          second.put(key.substring(SECOND_MOMENT_PREFIX.length()), tensor.getValue());
        } else if (key.startsWith(FIRST_MOMENT_PREFIX)) {
          first.put(key.substring(FIRST_MOMENT_PREFIX.length()), tensor.getValue());
        } else {
          unknownTensor = true;
        }
      }
      if (unknownTensor || !first.keySet().equals(second.keySet())) {
        throw new SafetensorsFormatException(
            file,
            "tensors must come in pairs "
                + FIRST_MOMENT_PREFIX
                + "<name> and "
                + SECOND_MOMENT_PREFIX
                + "<name>, found "
                + content.tensors().keySet());
      }
      String saved = metadata.getOrDefault("hyperparameters", "");
      String current = hyperparametersJson();
      if (!saved.equals(current)) {
        LOG.warn(
            "{}: optimizer state was saved with hyperparameters {}; continuing with {}",
            file,
            saved,
            current);
      }
      firstMoments.values().forEach(NDArray::close);
      secondMoments.values().forEach(NDArray::close);
      firstMoments.clear();
      secondMoments.clear();
      firstMoments.putAll(first);
      secondMoments.putAll(second);
      unverified.clear();
      unverified.addAll(first.keySet());
      completedSteps = step;
      lastLearningRate = Double.NaN;
    } catch (IOException | RuntimeException e) {
      content.tensors().values().forEach(NDArray::close);
      throw e;
    }
  }

  private static long parseStep(Path file, String value) throws SafetensorsFormatException {
    try {
      long step = Long.parseLong(value == null ? "" : value);
      if (step < 0) {
        throw new NumberFormatException("negative");
      }
      return step;
    } catch (NumberFormatException e) {
      throw new SafetensorsFormatException(
          file, "metadata \"step\" must be a non-negative integer, found " + value, e);
    }
  }

  private String hyperparametersJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("beta1", config.beta1());
    root.put("beta2", config.beta2());
    root.put("epsilon", config.epsilon());
    root.put("weight_decay", config.weightDecay());
    root.put("kernel", config.kernel().name());
    ArrayNode groups = root.putArray("groups");
    for (OptimizerGroup group : config.groups()) {
      groups
          .addObject()
          .put("label", group.label())
          .put("learning_rate_scale", group.learningRateScale())
          .put("weight_decay", group.weightDecay());
    }
    root.set("schedule", JSON.valueToTree(schedule));
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Frees the moment tensors. */
  @Override
  public void close() {
    stateManager.close();
  }
}
