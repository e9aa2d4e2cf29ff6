package dev.elmrlaif.algorithms.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.elmrlaif.algorithms.config.RlaifConfig;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.domain.config.ConfigJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage keys change exactly when what a stage reads changes: every config key is changed in
 * turn, and each stage's key must change if and only if the key is one the stage (or a stage
 * upstream of it) depends on; the data fingerprint, the text encoder and the contents of a
 * pretrained model change the keys of the stages that read them and of everything downstream.
 */
class StageKeysTest {
  private static final String FINGERPRINT = "f".repeat(64);
  private static final String ENCODER = "tfidf";

  @TempDir Path dir;

  private static JsonNode defaults() {
    return ConfigJson.newMapper().valueToTree(RlaifConfig.defaults());
  }

  /** Every leaf of the config tree (a value, a list, an empty map or an absent section). */
  private static List<String> leaves(JsonNode node, String prefix) {
    List<String> paths = new ArrayList<>();
    if (node.isObject() && node.size() > 0) {
      node.fieldNames()
          .forEachRemaining(
              name ->
                  paths.addAll(
                      leaves(node.get(name), prefix.isEmpty() ? name : prefix + "." + name)));
    } else {
      paths.add(prefix);
    }
    return paths;
  }

  private static JsonNode changed(JsonNode tree, String path) {
    ObjectNode copy = tree.deepCopy();
    int dot = path.lastIndexOf('.');
    ObjectNode parent = dot < 0 ? copy : (ObjectNode) StageKeys.at(copy, path.substring(0, dot));
    parent.set(path.substring(dot + 1), new TextNode("another value"));
    return copy;
  }

  private static boolean under(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + ".");
  }

  /** The config paths a stage reads, its own and its upstream stages', transitively. */
  private static Set<String> reads(StageName stage) {
    Set<String> paths = new HashSet<>(StageKeys.DEPENDS_ON.get(stage).config());
    for (StageName upstream : StageKeys.DEPENDS_ON.get(stage).upstream()) {
      paths.addAll(reads(upstream));
    }
    return paths;
  }

  private static boolean dependsOn(StageName stage, String leaf) {
    boolean excluded = StageKeys.NEVER_IN_A_KEY.keySet().stream().anyMatch(e -> under(leaf, e));
    return !excluded && reads(stage).stream().anyMatch(p -> under(leaf, p));
  }

  @Test
  void everyConfigKeyChangesExactlyTheKeysOfTheStagesThatReadItAndThoseDownstream() {
    JsonNode tree = defaults();
    Map<StageName, String> base = StageKeys.of(tree, FINGERPRINT, ENCODER);
    assertEquals(StageKeys.DEPENDS_ON.keySet(), base.keySet());
    List<String> leaves = leaves(tree, "");
    assertTrue(leaves.size() > 200, "every key of the config: " + leaves.size());
    for (String leaf : leaves) {
      Map<StageName, String> keys = StageKeys.of(changed(tree, leaf), FINGERPRINT, ENCODER);
      for (StageName stage : base.keySet()) {
        boolean changes = !keys.get(stage).equals(base.get(stage));
        assertEquals(
            dependsOn(stage, leaf),
            changes,
            leaf + " should " + (dependsOn(stage, leaf) ? "" : "not ") + "change " + stage.key());
      }
    }
  }

  @Test
  void everyConfigKeyIsReadBySomeStageOrListedAsNeverChangingAnOutput() {
    JsonNode tree = defaults();
    for (String leaf : leaves(tree, "")) {
      boolean read =
          StageKeys.DEPENDS_ON.values().stream()
              .flatMap(d -> d.config().stream())
              .anyMatch(p -> under(leaf, p));
      boolean excluded = StageKeys.NEVER_IN_A_KEY.keySet().stream().anyMatch(e -> under(leaf, e));
      assertTrue(read || excluded, leaf + " is in no stage's dependencies and not excluded");
    }
    for (String excluded : StageKeys.NEVER_IN_A_KEY.keySet()) {
      assertFalse(StageKeys.at(tree, excluded).isMissingNode(), excluded + " is not a config key");
    }
  }

  @Test
  void handPickedKeysBehaveAsASweepOverRlSettingsNeeds() {
    JsonNode tree = defaults();
    Map<StageName, String> base = StageKeys.of(tree, FINGERPRINT, ENCODER);
    // an RL setting: the supervised stages keep their keys, rl and eval change
    Map<StageName, String> rl =
        StageKeys.of(changed(tree, "reinforce.kl.controller.beta"), FINGERPRINT, ENCODER);
    for (StageName s :
        List.of(StageName.DATA, StageName.TOKENIZER, StageName.PRETRAIN, StageName.SFT)) {
      assertEquals(base.get(s), rl.get(s), s.key());
    }
    assertNotEquals(base.get(StageName.RL), rl.get(StageName.RL));
    assertNotEquals(base.get(StageName.EVAL), rl.get(StageName.EVAL));
    // the BPE reads pretrain.corpus but no other pretraining key
    Map<StageName, String> corpus =
        StageKeys.of(changed(tree, "pretrain.corpus"), FINGERPRINT, ENCODER);
    assertNotEquals(base.get(StageName.TOKENIZER), corpus.get(StageName.TOKENIZER));
    Map<StageName, String> steps =
        StageKeys.of(changed(tree, "pretrain.steps"), FINGERPRINT, ENCODER);
    assertEquals(base.get(StageName.TOKENIZER), steps.get(StageName.TOKENIZER));
    assertNotEquals(base.get(StageName.PRETRAIN), steps.get(StageName.PRETRAIN));
    // cadences and locations change nothing
    for (String path :
        List.of("trainer.log_every", "trainer.checkpoint_every", "data.root", "name")) {
      assertEquals(base, StageKeys.of(changed(tree, path), FINGERPRINT, ENCODER), path);
    }
  }

  @Test
  void theDataFingerprintAndTheTextEncoderChangeEveryKey() {
    JsonNode tree = defaults();
    Map<StageName, String> base = StageKeys.of(tree, FINGERPRINT, ENCODER);
    Map<StageName, String> otherData = StageKeys.of(tree, "0".repeat(64), ENCODER);
    Map<StageName, String> otherEncoder = StageKeys.of(tree, FINGERPRINT, "minilm 1.2");
    for (StageName stage : base.keySet()) {
      assertNotEquals(base.get(stage), otherData.get(stage), stage.key());
      assertNotEquals(base.get(stage), otherEncoder.get(stage), stage.key());
      assertTrue(base.get(stage).matches("[0-9a-f]{64}"), base.get(stage));
    }
  }

  @Test
  void theContentsOfAPretrainedModelFolderAreInThePretrainKey() throws Exception {
    Path model = dir.resolve("gpt2");
    Files.createDirectories(model);
    Files.writeString(model.resolve("config.json"), "{\"n_layer\": 2}");
    ObjectNode tree = (ObjectNode) defaults();
    ((ObjectNode) tree.get("model")).put("pretrained", model.toString());
    Map<StageName, String> before = StageKeys.of(tree, FINGERPRINT, ENCODER);
    assertEquals(before, StageKeys.of(tree, FINGERPRINT, ENCODER), "the same contents");
    Files.writeString(model.resolve("config.json"), "{\"n_layer\": 3}");
    Map<StageName, String> after = StageKeys.of(tree, FINGERPRINT, ENCODER);
    assertEquals(before.get(StageName.TOKENIZER), after.get(StageName.TOKENIZER));
    for (StageName s : List.of(StageName.PRETRAIN, StageName.SFT, StageName.RL, StageName.EVAL)) {
      assertNotEquals(before.get(s), after.get(s), s.key());
    }
  }
}
