package dev.elmrlaif.critics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.elmrlaif.policy.io.Safetensors;
import dev.elmrlaif.policy.io.SafetensorsContent;
import dev.elmrlaif.policy.io.SafetensorsFormatException;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.EngineOwned;
import dev.elmrlaif.policy.model.GptConfig;
import dev.elmrlaif.policy.model.Initializers;
import dev.elmrlaif.policy.model.PromptBatch;
import dev.elmrlaif.policy.optim.GradientClipping;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A critic reads token sequences (DESIGN.md §4): a trunk turns (context, continuation) into the
 * hidden state of every state {@code s_t = prompt + y_<t} of the continuation, and a linear head
 * maps each hidden state {@code h_t ∈ R^d} to {@code outputs} values, {@code h_t W + b} (or, for a
 * Q critic with a {@link QHead#TIED tied} head, {@code (h_t A) Eᵀ + b}, {@code E} the trunk's
 * output embedding). The hidden state of {@code s_t} is the one whose logits give {@code π(·|s_t)}
 * in the policy (the position of the last token of {@code s_t}), so causal attention makes the
 * value at {@code t} a function of {@code s_t} alone. The terminal state {@code s_T} has value 0 by
 * definition and gets no output.
 *
 * <p>Parameters: {@code <head>.weight [d, outputs]} ({@code [d, d]} when tied), {@code <head>.bias
 * [outputs]} and, for a {@link CriticTrunk#SEPARATE separate} trunk, {@code trunk.<ELM parameter
 * name>}. A {@link CriticTrunk#SHARED_FROZEN shared} trunk belongs to the caller: it is neither
 * saved, nor copied, nor closed here, and its hidden states are detached so no gradient reaches it.
 *
 * <p>Memory: compute values inside an {@link NDScope} that closes after the backward pass, once per
 * step (docs/djl-pitfalls.md), as for {@code Elm.continuationLogProbs}.
 */
public abstract sealed class Critic implements AutoCloseable permits QCritic, VCritic {
  /** The {@code format} metadata value of files written by {@link #save}. */
  public static final String FILE_FORMAT = "elm-rlaif/critic-v1";

  private static final String TRUNK_PREFIX = "trunk.";

  private final CriticConfig config;
  private final String headName;
  private final boolean tied;
  private final Elm sharedTrunk;
  private final Elm ownTrunk;
  private final NDManager headManager;
  private final LinkedHashMap<String, NDArray> head = new LinkedHashMap<>();

  /**
   * A freshly initialised critic over {@code base} (see {@link QCritic#create}); {@code tied}: the
   * head is {@code (h A) Eᵀ + b} ({@link QHead#TIED}, {@code outputs} the vocabulary).
   */
  Critic(CriticConfig config, Elm base, String headName, int outputs, boolean tied) {
    if (config == null || base == null) {
      throw new IllegalArgumentException(
          "critic: config and base model must be set; found config=" + config + " base=" + base);
    }
    this.config = config;
    this.headName = headName;
    this.tied = tied;
    SplittableRandom random = new SplittableRandom(config.seed());
    if (config.trunk() == CriticTrunk.SEPARATE) {
      this.sharedTrunk = null;
      this.ownTrunk =
          Elm.initialize(
              separateTrunkConfig(base.config(), config),
              base.device(),
              base.dataType(),
              random.nextLong());
    } else {
      this.sharedTrunk = base;
      this.ownTrunk = null;
    }
    this.headManager = NDManager.newBaseManager(base.device());
    Elm trunk = trunk();
    long d = trunk.config().lm().dModel();
    NDArray weight =
        Initializers.gaussian(
            headManager,
            new Shape(d, tied ? d : outputs),
            config.headInitStd(),
            random,
            trunk.dataType());
    NDArray bias = Initializers.constant(headManager, new Shape(outputs), 0, trunk.dataType());
    putHead(".weight", weight);
    putHead(".bias", bias);
  }

  /** A frozen copy of {@code source} (see {@link #copy}). */
  Critic(Critic source) {
    this.config = source.config;
    this.headName = source.headName;
    this.tied = source.tied;
    this.sharedTrunk = source.sharedTrunk;
    if (source.ownTrunk != null) {
      NDManager owner = NDManager.newBaseManager(source.ownTrunk.device());
      LinkedHashMap<String, NDArray> copies = new LinkedHashMap<>();
      source
          .ownTrunk
          .parameters()
          .forEach((name, p) -> copies.put(name, frozenCopy(name, p, owner)));
      this.ownTrunk = Elm.fromParameters(source.ownTrunk.config(), owner, copies, null);
      this.ownTrunk.parameters().values().forEach(p -> p.setRequiresGradient(false));
    } else {
      this.ownTrunk = null;
    }
    this.headManager = NDManager.newBaseManager(source.headManager.getDevice());
    source.head.forEach((name, p) -> head.put(name, frozenCopy(name, p, headManager)));
  }

  /**
   * The separate trunk's shape: the policy's vocabulary, context, MLP ratio, LayerNorm epsilon,
   * init scale, head tying, adapter and special tokens, with the critic's layers, heads and width.
   */
  static ElmConfig separateTrunkConfig(ElmConfig policy, CriticConfig critic) {
    GptConfig lm = policy.lm();
    GptConfig trunk =
        new GptConfig(
            lm.vocabSize(),
            lm.contextLength(),
            critic.layers(),
            critic.heads(),
            critic.dModel(),
            lm.mlpRatio(),
            lm.layerNormEps(),
            lm.initStd(),
            lm.tiedHead());
    return new ElmConfig(
        trunk,
        policy.adapter(),
        policy.placeholderTokenIds(),
        policy.endTokenId(),
        policy.padTokenId());
  }

  public CriticConfig config() {
    return config;
  }

  /** The model whose hidden states the head reads (shared or own). */
  public Elm trunk() {
    return ownTrunk != null ? ownTrunk : sharedTrunk;
  }

  /**
   * Every parameter this critic owns (and saves), by name: the separate trunk's, then the head's.
   */
  public Map<String, NDArray> parameters() {
    LinkedHashMap<String, NDArray> all = new LinkedHashMap<>();
    if (ownTrunk != null) {
      ownTrunk.parameters().forEach((name, p) -> all.put(TRUNK_PREFIX + name, p));
    }
    all.putAll(head);
    return Collections.unmodifiableMap(all);
  }

  /** The owned parameters with a gradient attached (what an optimizer updates). */
  public Map<String, NDArray> trainableParameters() {
    LinkedHashMap<String, NDArray> trainable = new LinkedHashMap<>();
    parameters()
        .forEach(
            (name, p) -> {
              if (p.hasGradient()) {
                trainable.put(name, p);
              }
            });
    return Collections.unmodifiableMap(trainable);
  }

  /** Sets every trainable parameter's gradient to 0 (DJL never zeroes gradients itself). */
  public void zeroGradients() {
    GradientClipping.zeroGradients(trainableParameters());
  }

  /**
   * The final hidden states of {@code trunk} at every state of every continuation, computed once so
   * that several critics on the same trunk (and the trunk's own logits) can read them. Inputs are
   * created in a child of {@code results}; the returned arrays are attached to {@code results}.
   *
   * @throws IllegalArgumentException when a continuation is empty or a prompt does not fit the
   *     trunk
   */
  public static TrunkStates trunkStates(
      NDManager results, Elm trunk, List<ElmPrompt> prompts, List<int[]> continuations) {
    if (prompts.size() != continuations.size()) {
      throw new IllegalArgumentException(
          "critic: found "
              + prompts.size()
              + " prompts and "
              + continuations.size()
              + " continuations, expected one continuation per prompt");
    }
    int rows = prompts.size();
    int[] lengths = new int[rows];
    List<int[]> inputs =
        new ArrayList<>(rows); // s_{T-1} is the longest state: y_{T-1} is never read
    int width = 1;
    for (int b = 0; b < rows; b++) {
      int[] continuation = continuations.get(b);
      if (continuation.length == 0) {
        throw new IllegalArgumentException(
            "critic: continuation "
                + b
                + " is empty, expected at least one token (one state per token)");
      }
      lengths[b] = continuation.length;
      width = Math.max(width, continuation.length);
      inputs.add(Arrays.copyOf(continuation, continuation.length - 1));
    }
    PromptBatch batch = PromptBatch.forScoring(prompts, inputs, trunk.config());
    long[] positions = new long[rows * width]; // the last token of s_t sits at promptLength - 1 + t
    float[] mask = new float[rows * width];
    for (int b = 0; b < rows; b++) {
      for (int t = 0; t < lengths[b]; t++) {
        positions[b * width + t] = batch.promptLength(b) - 1L + t;
        mask[b * width + t] = 1f;
      }
    }
    NDManager scope = results.newSubManager();
    NDArray hidden =
        trunk.hiddenStates(
            trunk.embed(scope, batch), trunk.positionIds(scope, batch), null, null); // [B, L, d]
    long d = hidden.getShape().get(2);
    NDArray index =
        EngineOwned.create(scope, positions, new Shape(rows, width, 1)).broadcast(rows, width, d);
    NDArray states = hidden.gather(index, 1); // [B, C, d]
    NDArray maskArray =
        EngineOwned.create(scope, mask, new Shape(rows, width)).toType(trunk.dataType(), false);
    states.attach(results);
    maskArray.attach(results);
    return new TrunkStates(trunk, states, maskArray, lengths);
  }

  /**
   * The head's outputs {@code [B, C, outputs]} at every state, 0 at padding, with the mask; the
   * trunk's hidden states are detached when the trunk is shared. Differentiable in the owned
   * parameters inside a gradient collector.
   */
  CriticValues evaluate(TrunkStates states) {
    if (states.trunk() != trunk()) {
      throw new IllegalArgumentException(
          "critic: the hidden states were computed by another model than"
              + " this critic's trunk; expected Critic.trunkStates(..., critic.trunk(), ...)");
    }
    NDArray hidden = ownTrunk == null ? states.hidden().stopGradient() : states.hidden();
    NDArray projected = hidden.matMul(head.get(headName + ".weight")); // [B, C, outputs or d]
    if (tied) {
      NDArray embedding = trunk().outputEmbedding(); // [V, d]
      projected =
          projected.matMul((ownTrunk == null ? embedding.stopGradient() : embedding).transpose());
    }
    NDArray outputs = projected.add(head.get(headName + ".bias")).mul(states.mask().expandDims(2));
    return new CriticValues(outputs, states.mask(), states.lengths());
  }

  /**
   * Polyak averaging toward {@code source}, in place: {@code θ̄ ← (1 − τ)·θ̄ + τ·θ} for every owned
   * parameter (a target network tracking its critic). {@code τ = 1} copies, {@code τ = 0} leaves
   * this critic as it is. Call with autograd off (no gradient collector open).
   */
  public void polyakUpdate(Critic source, double tau) {
    if (!(tau >= 0 && tau <= 1)) {
      throw new IllegalArgumentException(
          "polyak tau: found " + tau + ", expected a value in [0, 1]");
    }
    requireCompatible(source);
    if (JniUtils.isGradMode()) {
      throw new IllegalStateException(
          "Critic.polyakUpdate was called while a GradientCollector is open; close it first");
    }
    Map<String, NDArray> sources = source.parameters();
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      for (Map.Entry<String, NDArray> entry : parameters().entrySet()) {
        NDArray target = entry.getValue();
        NDArray keep = EngineOwned.scalar(target, 1 - tau);
        NDArray move = EngineOwned.scalar(target, tau);
        target.muli(keep).addi(sources.get(entry.getKey()).mul(move));
      }
    }
  }

  /**
   * Writes the owned parameters to one safetensors file, atomically (temporary file, then rename),
   * with metadata {@code format}, {@code head} and {@code trunk}.
   */
  public void save(Path file) throws IOException {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", FILE_FORMAT);
    metadata.put("head", headName);
    metadata.put("trunk", config.trunk().name());
    metadata.put("head_form", headForm());
    Safetensors.write(file, parameters(), metadata);
  }

  /**
   * Overwrites the owned parameters, in place, with the values {@link #save} wrote to {@code file}
   * (bit for bit); which parameters train is unchanged.
   *
   * @throws SafetensorsFormatException when the file is not a critic of this kind, trunk and shape
   */
  public void load(Path file) throws IOException {
    try (NDManager temporary = headManager.newSubManager()) {
      SafetensorsContent content = Safetensors.read(file, temporary);
      Map<String, String> metadata = content.metadata();
      requireMetadata(file, metadata, "format", FILE_FORMAT, "a file written by Critic.save");
      requireMetadata(file, metadata, "head", headName, "a " + headName + " critic");
      requireMetadata(file, metadata, "trunk", config.trunk().name(), "this critic's trunk");
      if (metadata.containsKey("head_form") || tied) { // files from before tied heads are full
        requireMetadata(file, metadata, "head_form", headForm(), "this critic's head form");
      }
      Map<String, NDArray> own = parameters();
      Map<String, NDArray> saved = content.tensors();
      if (!saved.keySet().equals(own.keySet())) {
        throw new SafetensorsFormatException(
            file, "tensors " + saved.keySet() + ", expected " + own.keySet());
      }
      for (Map.Entry<String, NDArray> entry : own.entrySet()) {
        NDArray value = saved.get(entry.getKey());
        NDArray target = entry.getValue();
        if (!value.getShape().equals(target.getShape())
            || value.getDataType() != target.getDataType()) {
          throw new SafetensorsFormatException(
              file,
              "tensor "
                  + entry.getKey()
                  + " has shape "
                  + value.getShape()
                  + " "
                  + value.getDataType()
                  + ", expected "
                  + target.getShape()
                  + " "
                  + target.getDataType());
        }
      }
      for (Map.Entry<String, NDArray> entry : own.entrySet()) {
        entry.getValue().set(new NDIndex("..."), saved.get(entry.getKey()));
      }
    }
  }

  /** Frees what this critic owns: its head and a separate trunk (never a shared trunk). */
  @Override
  public void close() {
    headManager.close();
    if (ownTrunk != null) {
      ownTrunk.close();
    }
  }

  private String headForm() {
    return tied ? QHead.TIED.name() : QHead.FULL.name();
  }

  private void requireCompatible(Critic other) {
    if (other.getClass() != getClass()
        || other.config.trunk() != config.trunk()
        || other.tied != tied) {
      throw new IllegalArgumentException(
          "critic: a "
              + getClass().getSimpleName()
              + " with a "
              + config.trunk()
              + " trunk and a "
              + headForm()
              + " head cannot follow a "
              + other.getClass().getSimpleName()
              + " with a "
              + other.config.trunk()
              + " trunk and a "
              + other.headForm()
              + " head");
    }
    Map<String, NDArray> mine = parameters();
    Map<String, NDArray> theirs = other.parameters();
    for (Map.Entry<String, NDArray> entry : mine.entrySet()) {
      NDArray match = theirs.get(entry.getKey());
      if (match == null || !match.getShape().equals(entry.getValue().getShape())) {
        throw new IllegalArgumentException(
            "critic: parameter "
                + entry.getKey()
                + " has shape "
                + entry.getValue().getShape()
                + " here and "
                + (match == null ? "is missing" : match.getShape())
                + " in the source, expected the same parameters");
      }
    }
  }

  private void putHead(String suffix, NDArray value) {
    String name = headName + suffix;
    value.setName(name);
    value.setRequiresGradient(true);
    head.put(name, value);
  }

  private static NDArray frozenCopy(String name, NDArray source, NDManager owner) {
    NDArray copy = source.duplicate();
    copy.attach(owner);
    copy.setName(name);
    return copy;
  }

  private static void requireMetadata(
      Path file, Map<String, String> metadata, String key, String expected, String what)
      throws SafetensorsFormatException {
    String found = metadata.get(key);
    if (!expected.equals(found)) {
      throw new SafetensorsFormatException(
          file,
          "metadata \"" + key + "\" is " + found + ", expected " + expected + " (" + what + ")");
    }
  }
}
