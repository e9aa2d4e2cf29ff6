package dev.elmrlaif.policy.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.elmrlaif.policy.lora.LoraConfig;
import dev.elmrlaif.policy.lora.LoraWeights;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The Embedding Language Model {@code M = (E_tok, M0)} plus adapter {@code E_A} (DESIGN.md §1):
 * prompt token ids are embedded with {@code wte}, every placeholder row is replaced by {@code
 * E_A(e_k)}, and the rest is the GPT-2 transformer of {@link CausalLm}, optionally with LoRA on its
 * projections.
 *
 * <p>Parameters are a map of named arrays (Hugging Face GPT-2 names plus {@code adapter.*} and
 * {@code *.lora_A/B}); a trainable one has a gradient attached. Which groups train is set with
 * {@link #setTrainable}. The model owns the arrays it created; a {@link #referencePolicy()} or a
 * {@link #withLoraMerged()} model may share this model's arrays and must be closed before it.
 */
public final class Elm implements AutoCloseable {
  private final ElmConfig config;
  private final CausalLm lm;
  private final NDManager manager;
  private final LinkedHashMap<String, NDArray> parameters;
  private LoraWeights lora;

  private Elm(
      ElmConfig config,
      NDManager manager,
      LinkedHashMap<String, NDArray> parameters,
      LoraWeights lora) {
    this.config = config;
    this.lm = new CausalLm(config.lm());
    this.manager = manager;
    this.parameters = parameters;
    this.lora = lora;
  }

  /**
   * A freshly initialised ELM (GPT-2 init for the LM, see {@link CausalLm#initialize}), every
   * parameter trainable.
   */
  public static Elm initialize(ElmConfig config, Device device, DataType dataType, long seed) {
    NDManager manager = NDManager.newBaseManager(device);
    CausalLm lm = new CausalLm(config.lm());
    LinkedHashMap<String, NDArray> parameters = lm.initialize(manager, dataType, seed);
    if (config.hasAdapter()) {
      parameters.putAll(
          EmbeddingAdapter.initialize(
              config.adapter(), config.lm().dModel(), manager, dataType, seed + 1));
    }
    parameters.values().forEach(p -> p.setRequiresGradient(true));
    return new Elm(config, manager, parameters, null);
  }

  /**
   * An ELM over existing arrays (a loaded checkpoint), which {@code owner} holds and this model
   * closes. Names and shapes are checked; entries not of the model are rejected.
   *
   * @param loraConfig the LoRA the {@code *.lora_*} entries belong to, or {@code null} for none
   */
  public static Elm fromParameters(
      ElmConfig config, NDManager owner, Map<String, NDArray> arrays, LoraConfig loraConfig) {
    CausalLm lm = new CausalLm(config.lm());
    LinkedHashMap<String, Shape> expected = lm.parameterShapes();
    if (config.hasAdapter()) {
      expected.putAll(EmbeddingAdapter.parameterShapes(config.adapter(), config.lm().dModel()));
    }
    LinkedHashMap<String, NDArray> parameters;
    try {
      parameters = NamedTensors.select(expected, arrays);
    } catch (IllegalArgumentException e) {
      throw new CheckpointFormatException(e.getMessage(), e);
    }
    LinkedHashMap<String, NDArray> loraTensors = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> entry : arrays.entrySet()) {
      String name = entry.getKey();
      if (name.contains(LoraWeights.MARKER)) {
        loraTensors.put(name, entry.getValue());
      } else if (!expected.containsKey(name)) {
        throw new CheckpointFormatException(
            "tensor "
                + name
                + " is not a parameter of this model; expected the names of "
                + (config.hasAdapter() ? "GPT-2 plus adapter.*" : "GPT-2"));
      }
    }
    LoraWeights lora = null;
    if (loraConfig != null) {
      try {
        lora = new LoraWeights(config.lm(), loraConfig, loraTensors);
      } catch (IllegalArgumentException e) {
        throw new CheckpointFormatException(e.getMessage(), e);
      }
    } else if (!loraTensors.isEmpty()) {
      throw new CheckpointFormatException(
          "tensor "
              + loraTensors.keySet().iterator().next()
              + " is a LoRA tensor but no LoRA config was given");
    }
    parameters.values().forEach(p -> p.setRequiresGradient(true));
    if (lora != null) {
      lora.tensors().values().forEach(t -> t.setRequiresGradient(true));
    }
    return new Elm(config, owner, parameters, lora);
  }

  public ElmConfig config() {
    return config;
  }

  public CausalLm lm() {
    return lm;
  }

  public Device device() {
    return manager.getDevice();
  }

  /** The element type of the parameters (FLOAT32, or FLOAT64 for gradient checks). */
  public DataType dataType() {
    return parameters.get("wte.weight").getDataType();
  }

  /** The manager that owns this model's arrays; make per-step scopes as its children. */
  public NDManager manager() {
    return manager;
  }

  /** Every parameter by name: LM, adapter, then LoRA. */
  public Map<String, NDArray> parameters() {
    LinkedHashMap<String, NDArray> all = new LinkedHashMap<>(parameters);
    if (lora != null) {
      all.putAll(lora.tensors());
    }
    return Collections.unmodifiableMap(all);
  }

  /** The LM and adapter parameters, without LoRA. */
  public Map<String, NDArray> baseParameters() {
    return Collections.unmodifiableMap(parameters);
  }

  /** The parameters that currently have a gradient attached, by name. */
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

  /** Attaches or detaches the gradient of every parameter in a group. */
  public void setTrainable(ParameterGroup group, boolean trainable) {
    parameters()
        .forEach(
            (name, p) -> {
              if (ParameterGroup.of(name) == group) {
                p.setRequiresGradient(trainable);
              }
            });
  }

  /** Trains exactly the given groups and freezes the others. */
  public void trainOnly(Set<ParameterGroup> groups) {
    for (ParameterGroup group : ParameterGroup.values()) {
      setTrainable(group, groups.contains(group));
    }
  }

  /** The attached LoRA, or {@code null}. */
  public LoraWeights lora() {
    return lora;
  }

  /** Adds fresh (identity) LoRA tensors on the configured projections; they train. */
  public LoraWeights attachLora(LoraConfig loraConfig, long seed) {
    if (lora != null) {
      throw new IllegalStateException("Elm: a LoRA is already attached; merge it first");
    }
    lora = LoraWeights.initialize(config.lm(), loraConfig, manager, dataType(), seed);
    return lora;
  }

  /**
   * A model whose base weights have this model's LoRA folded in and no LoRA of its own. Arrays that
   * LoRA does not touch are shared with this model.
   */
  public Elm withLoraMerged() {
    if (lora == null) {
      throw new IllegalStateException("Elm: no LoRA to merge");
    }
    NDManager owner = NDManager.newBaseManager(device());
    LinkedHashMap<String, NDArray> merged = lora.mergeInto(parameters, owner);
    return new Elm(config, owner, merged, null);
  }

  /**
   * The frozen reference policy {@code pi_ref} (DESIGN.md §3), a snapshot of this model now.
   *
   * <p>When no LM parameter (embeddings or body) is trainable, the reference shares the LM arrays
   * themselves (no second copy of the LM) and copies only the adapter, plus the LoRA tensors if
   * they are not the identity; a fresh LoRA is simply left out. When the LM trains, everything is
   * copied. Close the reference before this model. Shared arrays stay shared: if this model's LM is
   * made trainable afterwards, take a new reference (and never make the reference trainable).
   */
  public Elm referencePolicy() {
    boolean lmTrains =
        parameters.entrySet().stream()
            .anyMatch(
                e ->
                    ParameterGroup.of(e.getKey()) != ParameterGroup.ADAPTER
                        && e.getValue().hasGradient());
    NDManager owner = NDManager.newBaseManager(device());
    LinkedHashMap<String, NDArray> snapshot = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
      boolean copy = lmTrains || ParameterGroup.of(entry.getKey()) == ParameterGroup.ADAPTER;
      snapshot.put(
          entry.getKey(),
          copy ? frozenCopy(entry.getKey(), entry.getValue(), owner) : entry.getValue());
    }
    LoraWeights referenceLora =
        lora == null || lora.isIdentity() ? null : lora.frozenCopy(config.lm(), owner);
    return new Elm(config, owner, snapshot, referenceLora);
  }

  /**
   * A new ELM made of a copy of this model's language model and a freshly initialised adapter: how
   * a pretrained LM (e.g. a Hugging Face GPT-2 folder) becomes an ELM. When the tokenizer grew
   * (placeholder tokens added), {@code wte} (and an untied {@code lm_head}) get new rows drawn
   * {@code N(0, initStd^2)}. Every parameter of the result trains; this model is left as it was.
   *
   * @param vocabSize the tokenizer's vocabulary size, at least the model's
   */
  public Elm withNewAdapter(
      AdapterConfig adapter, List<Integer> placeholderTokenIds, int vocabSize, long seed) {
    if (lora != null) {
      throw new IllegalStateException("Elm: merge the LoRA before adding an adapter");
    }
    GptConfig lmConfig = config.lm();
    if (vocabSize < lmConfig.vocabSize()) {
      throw new IllegalArgumentException(
          "vocabSize: found "
              + vocabSize
              + ", expected at least the model's "
              + lmConfig.vocabSize());
    }
    GptConfig grown = lmConfig.withVocabSize(vocabSize);
    ElmConfig newConfig =
        new ElmConfig(
            grown, adapter, placeholderTokenIds, config.endTokenId(), config.padTokenId());
    NDManager owner = NDManager.newBaseManager(device());
    SplittableRandom rng = new SplittableRandom(seed);
    LinkedHashMap<String, NDArray> copied = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
      String name = entry.getKey();
      if (ParameterGroup.of(name) == ParameterGroup.ADAPTER) {
        continue;
      }
      NDArray copy = frozenCopy(name, entry.getValue(), owner);
      boolean vocabRows = name.equals("wte.weight") || name.equals("lm_head.weight");
      if (vocabRows && vocabSize > lmConfig.vocabSize()) {
        NDArray extra =
            Initializers.gaussian(
                owner,
                new Shape(vocabSize - lmConfig.vocabSize(), lmConfig.dModel()),
                lmConfig.initStd(),
                rng,
                copy.getDataType());
        NDArray grownRows = copy.concat(extra, 0);
        copy.close();
        extra.close();
        grownRows.setName(name);
        copy = grownRows;
      }
      copied.put(name, copy);
    }
    copied.putAll(
        EmbeddingAdapter.initialize(adapter, grown.dModel(), owner, dataType(), rng.nextLong()));
    copied.values().forEach(p -> p.setRequiresGradient(true));
    return new Elm(newConfig, owner, copied, null);
  }

  private static NDArray frozenCopy(String name, NDArray source, NDManager owner) {
    NDArray copy = source.duplicate();
    copy.attach(owner);
    copy.setName(name);
    return copy;
  }

  /** The groups with at least one trainable parameter. */
  public Set<ParameterGroup> trainableGroups() {
    EnumSet<ParameterGroup> groups = EnumSet.noneOf(ParameterGroup.class);
    parameters()
        .forEach(
            (name, p) -> {
              if (p.hasGradient()) {
                groups.add(ParameterGroup.of(name));
              }
            });
    return groups;
  }

  // ---------------------------------------------------------------------------------------------
  // Forward pieces (used by the log-probs below and by the sampler with its KV cache).

  /**
   * Input embeddings {@code [B, T, d]} of a batch: {@code wte[token]}, with {@code E_A(e_k)} at the
   * k-th placeholder of each row. Inputs are created in {@code scope}.
   */
  public NDArray embed(NDManager scope, PromptBatch batch) {
    NDArray ids = EngineOwned.create(scope, batch.tokenIds, new Shape(batch.rows, batch.length));
    NDArray tokens = lm.embedTokens(parameters, ids);
    if (!batch.hasPlaceholders) {
      return tokens;
    }
    NDArray entities =
        EngineOwned.create(
                scope, batch.entities, new Shape((long) batch.rows * batch.slots, batch.domainDim))
            .toType(dataType(), false);
    NDArray adapted = EmbeddingAdapter.apply(parameters, entities); // [B*K, d]
    NDArray spliced =
        CausalLm.rows(
            adapted, EngineOwned.create(scope, batch.slotRow, new Shape(batch.rows, batch.length)));
    NDArray isPlaceholder =
        EngineOwned.create(scope, batch.placeholder, new Shape(batch.rows, batch.length, 1))
            .broadcast(tokens.getShape());
    return NDArrays.where(isPlaceholder, spliced, tokens);
  }

  /** Token embeddings {@code wte[ids]} of ids {@code [B, T]} INT64 (generated tokens). */
  public NDArray embedTokens(NDArray tokenIds) {
    return lm.embedTokens(parameters, tokenIds);
  }

  /** Position ids {@code [B, T]} of a batch, created in {@code scope}. */
  public NDArray positionIds(NDManager scope, PromptBatch batch) {
    return EngineOwned.create(scope, batch.positionIds, new Shape(batch.rows, batch.length));
  }

  /** The transformer over input embeddings; see {@link CausalLm#hiddenStates}. */
  public NDArray hiddenStates(
      NDArray inputEmbeddings, NDArray positionIds, NDArray keyMask, KvCache cache) {
    return lm.hiddenStates(
        parameters,
        lora == null ? ProjectionDelta.NONE : lora,
        inputEmbeddings,
        positionIds,
        keyMask,
        cache);
  }

  /** Logits {@code [..., V]} of hidden states. */
  public NDArray logits(NDArray hidden) {
    return lm.logits(parameters, hidden);
  }

  /** The output embedding {@code E [V, d]}: {@link #logits} is {@code hidden·Eᵀ}. */
  public NDArray outputEmbedding() {
    return lm.outputEmbedding(parameters);
  }

  /** A KV cache for a generation batch with room for {@code newTokens} more positions. */
  public KvCache newKvCache(NDManager parent, PromptBatch batch, int newTokens) {
    int capacity = batch.length + newTokens;
    float[][] mask = new float[batch.rows][capacity];
    for (int row = 0; row < batch.rows; row++) {
      System.arraycopy(batch.keyMask[row], 0, mask[row], 0, batch.length);
      Arrays.fill(mask[row], batch.length, capacity, 1f);
    }
    return new KvCache(parent, config.lm(), batch.rows, capacity, dataType(), mask);
  }

  // ---------------------------------------------------------------------------------------------
  // Log-probs: the one function training, RL and scoring share.

  /**
   * {@code log pi(a_t | s_t)} of each continuation token after its prompt, in one right-padded
   * batch (DESIGN.md §3). Differentiable inside a gradient collector.
   *
   * <p>Memory: the backward pass reads tensors the forward saved (gather indices, the scalars of
   * scalar ops), so nothing of the forward may be freed before it. The inputs and every activation
   * live in a child of {@code results} and are freed with it; results of ops whose first operand is
   * a parameter belong to the model's manager, so call this inside an {@code NDScope} that closes
   * after the backward pass, once per step, as the trainers do.
   *
   * @param withDistribution also return the full log-softmax {@code [B, C, V]}
   */
  public ContinuationLogProbs continuationLogProbs(
      NDManager results,
      List<ElmPrompt> prompts,
      List<int[]> continuations,
      boolean withDistribution) {
    PromptBatch batch = PromptBatch.forScoring(prompts, continuations, config);
    int rows = batch.rows;
    int steps = 0;
    for (int row = 0; row < rows; row++) {
      steps = Math.max(steps, batch.continuationLengths[row]);
    }
    int width = Math.max(steps, 1);
    // Logits at position promptLength-1+j predict continuation token j.
    long[] source = new long[rows * width];
    long[] targets = new long[rows * width];
    float[] mask = new float[rows * width];
    for (int row = 0; row < rows; row++) {
      if (batch.promptLengths[row] == 0) {
        throw new IllegalArgumentException(
            "prompt " + row + ": empty, expected at least one token");
      }
      for (int j = 0; j < batch.continuationLengths[row]; j++) {
        int cell = row * width + j;
        source[cell] = batch.promptLengths[row] - 1 + j;
        targets[cell] = continuations.get(row)[j];
        mask[cell] = 1f;
      }
    }
    NDManager scope = results.newSubManager();
    NDArray x = embed(scope, batch);
    NDArray hidden = hiddenStates(x, positionIds(scope, batch), null, null);
    long d = config.lm().dModel();
    NDArray index =
        EngineOwned.create(scope, source, new Shape(rows, width, 1)).broadcast(rows, width, d);
    NDArray picked = hidden.gather(index, 1); // [B, C, d]
    NDArray logSoftmax = logits(picked).logSoftmax(-1); // [B, C, V]
    NDArray maskArray =
        EngineOwned.create(scope, mask, new Shape(rows, width)).toType(dataType(), false);
    NDArray tokenLogProbs =
        logSoftmax
            .gather(EngineOwned.create(scope, targets, new Shape(rows, width, 1)), 2)
            .squeeze(2)
            .mul(maskArray);
    tokenLogProbs.attach(results);
    maskArray.attach(results);
    NDArray distribution = null;
    if (withDistribution) {
      logSoftmax.attach(results);
      distribution = logSoftmax;
    }
    return new ContinuationLogProbs(
        tokenLogProbs, maskArray, distribution, batch.continuationLengths.clone());
  }

  /** Frees the arrays this model owns (not those it shares with another model). */
  @Override
  public void close() {
    manager.close();
  }
}
