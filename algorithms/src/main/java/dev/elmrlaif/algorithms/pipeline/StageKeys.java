package dev.elmrlaif.algorithms.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.RlaifConfig;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.domain.base.Provenance;
import dev.elmrlaif.domain.config.ConfigJson;
import dev.elmrlaif.domain.data.DomainPreparer;
import dev.elmrlaif.domain.data.TextEncoderFactory;
import dev.elmrlaif.domain.prepare.DataPreparer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key of each stage's output in the stage store ({@code rlaif train --stage-store DIR}): a
 * SHA-256 (hex) over exactly what the output depends on, so that two runs whose keys agree would
 * produce the same output and the second may reuse the first's.
 *
 * <pre>
 *   key(stage) = SHA-256( stage name, the stage's code version, the data format version and
 *                         text-encoder signature (data only), the data fingerprint (data only),
 *                         the config subtrees the stage reads (minus NEVER_IN_A_KEY),
 *                         the contents of the files those keys name (pretrained models),
 *                         key(upstream) for every stage it reads the output of )
 * </pre>
 *
 * {@link #DEPENDS_ON} is the one declarative table of what each stage reads; {@link
 * #NEVER_IN_A_KEY} lists, with the reason, the keys deliberately left out because they never change
 * a stage's output. Keys in neither place change no stage's output (see the test that classifies
 * every config key). The report stage has no key: it describes its own run folder.
 *
 * <p>{@code device} and {@code threads} are in the keys of the stages that train or generate with
 * the engine (pretrain, sft, rl, eval): a GPU or another intra-op thread count sums floats in
 * another order, so the output is not bit-identical. They are hashed as configured: {@code auto}
 * and {@code 0} (one thread per core) resolve per machine, so a store shared between different
 * machines should be used with an explicit {@code device} and {@code threads}.
 */
public final class StageKeys {
  private StageKeys() {}

  /**
   * What one stage's output depends on.
   *
   * @param config config paths (dotted YAML names) whose subtrees the stage reads
   * @param files config paths naming a file or folder whose contents the stage reads
   * @param upstream stages whose outputs the stage reads (their keys go into this one)
   * @param codeVersion bump when a change in the stage's code changes what it produces
   */
  public record Dependencies(
      List<String> config, List<String> files, List<StageName> upstream, int codeVersion) {
    public Dependencies {
      config = List.copyOf(config);
      files = List.copyOf(files);
      upstream = List.copyOf(upstream);
    }
  }

  /** The engine settings every stage that trains or generates with DJL depends on. */
  private static final List<String> ENGINE = List.of("seed", "device", "threads");

  /** What each stage reads: the one table behind every key. */
  public static final Map<StageName, Dependencies> DEPENDS_ON = dependencies();

  /**
   * Keys that never change any stage's output, left out of every key on purpose (path → why).
   * Everything below a listed path is left out.
   */
  public static final Map<String, String> NEVER_IN_A_KEY = neverInAKey();

  private static Map<StageName, Dependencies> dependencies() {
    Map<StageName, Dependencies> table = new EnumMap<>(StageName.class);
    // data preparation: DataPreparer(data, seed, env); its input files are the data fingerprint
    table.put(StageName.DATA, new Dependencies(List.of("seed", "data"), List.of(), List.of(), 1));
    // BPE on the training texts; pretrain.corpus decides which texts beyond the examples
    table.put(
        StageName.TOKENIZER,
        new Dependencies(
            List.of("tokenizer", "pretrain.corpus"),
            List.of("tokenizer.pretrained"),
            List.of(StageName.DATA),
            1));
    table.put(
        StageName.PRETRAIN,
        new Dependencies(
            concat(ENGINE, List.of("model", "pretrain", "trainer")),
            List.of("model.pretrained"),
            List.of(StageName.DATA, StageName.TOKENIZER),
            1));
    // two_stage_toy: App. D's toy runs in the sft stage's place when the section is present
    table.put(
        StageName.SFT,
        new Dependencies(
            concat(ENGINE, List.of("model", "sft", "trainer", "two_stage_toy")),
            List.of(),
            List.of(StageName.DATA, StageName.PRETRAIN),
            1));
    // code version 2 of rl and eval: small CPU batches decode on one intra-op thread
    // (Sampler.decodeThreads), which sums some floats in another order than before
    table.put(
        StageName.RL,
        new Dependencies(
            concat(ENGINE, List.of("rl", "reinforce", "sac", "soft_q", "synthetic")),
            List.of("soft_q.offline_buffer"),
            List.of(StageName.DATA, StageName.SFT),
            2));
    table.put(
        StageName.EVAL,
        new Dependencies(
            concat(ENGINE, List.of("eval")),
            List.of(),
            List.of(StageName.DATA, StageName.SFT, StageName.RL),
            2));
    return table;
  }

  private static Map<String, String> neverInAKey() {
    Map<String, String> why = new LinkedHashMap<>();
    why.put("name", "names the run folder only");
    why.put("stages", "which stages run, not what one produces");
    why.put("logging", "progress display and metric sinks");
    why.put("data.root", "where the data lies; its contents are the data fingerprint");
    why.put("data.cache_dir", "where prepared data is cached; same inputs, same preparation");
    why.put("data.auto_download", "whether missing data is fetched; the fingerprint covers it");
    why.put("data.files.folder", "where the files domain lies; the fingerprint covers its files");
    why.put(
        "data.wals.threads",
        "WALS solves rows independently and sums fixed chunks in order: same result");
    why.put("data.teacher.api_key_env", "the name of the key's variable");
    why.put("data.teacher.cache_dir", "where replies are cached");
    why.put("data.teacher.timeout_seconds", "how long to wait for a reply");
    why.put("data.teacher.max_retries", "how often to ask again");
    why.put("data.teacher.backoff_millis", "how long to wait between tries");
    why.put("data.teacher.requests_per_minute", "how fast to ask");
    why.put("trainer.checkpoint_every", "checkpoint cadence; a resumed run is bit-identical");
    why.put("trainer.log_every", "metric cadence");
    why.put("rl.checkpoint_every", "checkpoint cadence; a resumed run is bit-identical");
    why.put("rl.log_every", "metric cadence");
    return Map.copyOf(why);
  }

  /**
   * The data fingerprint of a run's data: SHA-256 over the names and bytes of the input files its
   * {@code data} stage would read ({@link DomainPreparer#inputFingerprint}).
   *
   * @param env the process environment ({@code RLAIF_DATA}, {@code RLAIF_FILES})
   * @throws dev.elmrlaif.domain.base.UserInputException when the data cannot be found
   */
  public static String dataFingerprint(RlaifConfig config, Map<String, String> env) {
    return DomainPreparer.inputFingerprint(
        new DataPreparer(config.data(), config.seed(), env).domainPreparer().inputFiles());
  }

  /** The key of every stage that has one ({@link #DEPENDS_ON}), in pipeline order. */
  public static Map<StageName, String> of(LoadedConfig loaded, String dataFingerprint) {
    RlaifConfig config = loaded.config();
    return of(
        ConfigJson.newMapper().valueToTree(config),
        dataFingerprint,
        TextEncoderFactory.signature(config.data()));
  }

  /**
   * The keys of a config tree as {@link ConfigJson} writes it (what the test changes key by key).
   */
  static Map<StageName, String> of(
      JsonNode configTree, String dataFingerprint, String textEncoderSignature) {
    ObjectMapper mapper = ConfigJson.newMapper();
    Map<StageName, String> keys = new EnumMap<>(StageName.class);
    for (Map.Entry<StageName, Dependencies> entry : DEPENDS_ON.entrySet()) {
      StageName stage = entry.getKey();
      Dependencies depends = entry.getValue();
      // 1. what identifies the stage and the version of its code and formats
      ObjectNode content = mapper.createObjectNode();
      content.put("stage", stage.key());
      content.put("code_version", depends.codeVersion());
      if (stage == StageName.DATA) {
        content.put("data_format_version", DomainPreparer.FORMAT_VERSION);
        content.put("text_encoder", textEncoderSignature);
        content.put("data_fingerprint", dataFingerprint);
      }
      // 2. the config subtrees it reads, without the keys that never change an output
      ObjectNode config = content.putObject("config");
      for (String path : depends.config()) {
        config.set(path, withoutNeverInAKey(at(configTree, path), path));
      }
      // 3. the contents of the files the config names
      ObjectNode files = content.putObject("files");
      for (String path : depends.files()) {
        files.put(path, contentsOf(at(configTree, path).asText("")));
      }
      // 4. the keys of the stages whose outputs it reads (computed first: pipeline order)
      ObjectNode upstream = content.putObject("upstream");
      for (StageName before : depends.upstream()) {
        upstream.put(before.key(), keys.get(before));
      }
      keys.put(stage, sha256(content, mapper));
    }
    return keys;
  }

  /** The node at a dotted path, or a missing node. */
  static JsonNode at(JsonNode tree, String path) {
    JsonNode node = tree;
    for (String part : path.split("\\.")) {
      node = node.path(part);
    }
    return node;
  }

  private static JsonNode withoutNeverInAKey(JsonNode subtree, String path) {
    if (!subtree.isObject()) {
      return subtree;
    }
    ObjectNode copy = ((ObjectNode) subtree).deepCopy();
    for (String excluded : NEVER_IN_A_KEY.keySet()) {
      if (excluded.startsWith(path + ".")) {
        String[] parts = excluded.substring(path.length() + 1).split("\\.");
        JsonNode parent = copy;
        for (int i = 0; i < parts.length - 1; i++) {
          parent = parent.path(parts[i]);
        }
        if (parent instanceof ObjectNode object) {
          object.remove(parts[parts.length - 1]);
        }
      }
    }
    return copy;
  }

  /** SHA-256 of a file's or folder's contents (relative names, sizes, bytes); "" for none. */
  private static String contentsOf(String configured) {
    if (configured.isBlank()) {
      return "";
    }
    Path path = Path.of(configured);
    if (Files.isRegularFile(path)) {
      Path parent = path.toAbsolutePath().getParent();
      return Provenance.fingerprint(parent, List.of(path.toAbsolutePath()));
    }
    if (Files.isDirectory(path)) {
      return Provenance.fingerprint(path, Provenance.filesUnder(path));
    }
    return "missing"; // the stage itself will say so
  }

  private static String sha256(JsonNode content, ObjectMapper mapper) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(
              digest.digest(mapper.writeValueAsString(content).getBytes(StandardCharsets.UTF_8)));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot hash a stage key", e);
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
