package dev.elmrlaif.domain.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.DataConfig;
import dev.elmrlaif.domain.config.FilesDomainConfig;
import dev.elmrlaif.domain.config.TeacherConfig;
import dev.elmrlaif.domain.config.TeacherMode;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.RewardAvailability;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.policy.io.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file domain prepared from {@link FileWorld}: entities, spaces (the user's own and the derived
 * {@code <kind>_text}), splits, interactions, concepts and template targets; the cache; vectors
 * from safetensors; the folder from {@code RLAIF_FILES}; rewards the data cannot give.
 */
class FileDomainPreparerTest {
  @TempDir Path dir;

  private PreparedData prepare(FilesDomainConfig files, Map<String, String> env) {
    return new FileDomainPreparer(FileWorld.data(files, dir.resolve("cache")), 1, env)
        .prepare(false);
  }

  @Test
  void preparesEntitiesSpacesInteractionsConceptsAndTemplateTargets() throws IOException {
    Path folder = FileWorld.write(dir.resolve("world"));
    PreparedData data = prepare(FileWorld.files(folder, List.of("sc", "bc")), Map.of());

    assertEquals("files/world", data.domain().name());
    assertEquals(8, data.domain().entities("item").size());
    assertEquals("Item 3", data.domain().entities("item").name(3));
    assertEquals(
        "1", data.domain().entities("user").name(0), "the id is the name when none is given");
    assertEquals(2, data.domain().split("item").heldOutCount());
    assertEquals(1, data.domain().split("user").heldOutCount());

    EmbeddingSpace s = data.domain().space("s");
    assertArrayEquals(new float[] {5f, 2.5f, -1f}, s.vector(5));
    assertFalse(s.textComparable());
    assertArrayEquals(
        new float[] {1f, 1f}, data.domain().space("u").vector(2), "row 3 of the .npy is user '3'");
    EmbeddingSpace itemText = data.domain().space("item_text");
    assertTrue(itemText.textComparable());
    assertArrayEquals(
        data.textEncoder().encode("a purple round thing for the kitchen room"),
        itemText.vector(4),
        1e-6f);
    assertEquals("item_text", data.domain().textSpace("item").orElseThrow().name());

    Interactions ratings = data.domain().interactions().orElseThrow();
    assertEquals(6, ratings.count());
    assertEquals(4f, ratings.get(1, 1, 0f), "user '2' gave item 'i1' 4");
    assertEquals(0f, ratings.get(1, 0, 0f));
    assertTrue(
        data.domain().concepts().stream()
            .anyMatch(c -> c.name().equals("round") && c.space().equals("s")),
        data.domain().concepts().toString());

    assertEquals(List.of("describe", "profile"), data.tasks().stream().map(t -> t.name()).toList());
    for (TaskExample example : data.heldOutExamples().get("describe")) {
      int item = example.entities().get(0);
      assertTrue(data.domain().split("item").isHeldOut(item));
      assertEquals(data.domain().textsOf("item", item).get(0), example.target());
    }
    assertEquals(6, data.trainExamples().get("describe").size());
    TaskExample profile = data.trainExamples().get("profile").get(0);
    assertEquals(
        "This user " + data.domain().textsOf("user", profile.entities().get(0)).get(0) + ".",
        profile.target());

    RewardAvailability rewards = RewardAvailability.of(data);
    assertEquals(List.of("sc", "bc"), rewards.available());
    assertEquals(List.of("profile"), RewardAvailability.bcTasks(data));

    PreparedData cached = prepare(FileWorld.files(folder, List.of("sc", "bc")), Map.of());
    assertTrue(cached.fromCache());
    assertEquals(data.trainExamples(), cached.trainExamples());
    assertTrue(cached.domain().space("item_text").textComparable(), "the flag survives the cache");
  }

  @Test
  void vectorsFromSafetensorsAndTheFolderFromTheEnvironment() throws IOException {
    Path folder = FileWorld.write(dir.resolve("world"));
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray u =
          manager.create(
              new float[] {1, 0, 0, 1, 1, 1, -1, 0}, new ai.djl.ndarray.types.Shape(4, 2));
      Safetensors.write(folder.resolve("user_u.safetensors"), Map.of("u", u), Map.of());
    }
    FilesDomainConfig npy = FileWorld.files(folder, List.of());
    FilesDomainConfig safetensors =
        npy.with(
            f ->
                f.folder("")
                    .vectors(
                        List.of(
                            new FilesDomainConfig.VectorFile(
                                "user", "u", "user_u.safetensors", "user_ids.txt"))));
    PreparedData data = prepare(safetensors, Map.of(FilesDomainConfig.ENV, folder.toString()));
    assertArrayEquals(new float[] {-1f, 0f}, data.domain().space("u").vector(3));

    UserInputException missing =
        assertThrows(UserInputException.class, () -> prepare(safetensors, Map.of()));
    assertEquals(
        "data.files.folder: empty and RLAIF_FILES is not set; expected the folder holding your entity, "
            + "vector, interaction, concept and task files",
        missing.getMessage());
  }

  @Test
  void askingForBehavioralConsistencyWithoutInteractionsSaysWhy() throws IOException {
    Path folder = FileWorld.write(dir.resolve("world"));
    FilesDomainConfig all = FileWorld.files(folder, List.of("bc"));
    FilesDomainConfig noInteractions =
        all.withInteractions(FilesDomainConfig.InteractionsFile.none());
    UserInputException e =
        assertThrows(UserInputException.class, () -> prepare(noInteractions, Map.of()));
    assertEquals(
        "data.files.rewards asks for bc, which this data cannot give: unavailable: the domain has no "
            + "interactions (a file domain reads them from data.files.interactions.file)",
        e.getMessage());
  }

  @Test
  void aTextSpaceMustHaveTheEncodersDimension() throws IOException {
    Path folder = FileWorld.write(dir.resolve("world"));
    FilesDomainConfig all = FileWorld.files(folder, List.of());
    FilesDomainConfig wrong = all.withTextSpaces(List.of("s"));
    UserInputException e = assertThrows(UserInputException.class, () -> prepare(wrong, Map.of()));
    assertTrue(
        e.getMessage()
            .startsWith("data.files.text_spaces: space 's' has dimension 3 but the text encoder"),
        e.getMessage());
    assertTrue(Files.notExists(dir.resolve("cache")));
  }

  @Test
  void theOnlineTeacherIsRefusedForAFileDomain() throws IOException {
    Path folder = FileWorld.write(dir.resolve("world"));
    DataConfig d = FileWorld.data(FileWorld.files(folder, List.of()), dir.resolve("cache"));
    TeacherConfig t = d.teacher();
    TeacherConfig online = t.withMode(TeacherMode.ONLINE);
    DataConfig withOnline = d.withTeacher(online);
    UserInputException e =
        assertThrows(
            UserInputException.class,
            () -> new FileDomainPreparer(withOnline, 1, Map.of()).prepare(false));
    assertEquals(
        "data.teacher.mode: found online, expected offline for data.domain files (its targets come from "
            + "tasks.yaml: a target field or a template)",
        e.getMessage());
  }

  @Test
  void aNonUtf8ByteInAnIdListNamesItsLine() throws IOException {
    Path folder = FileWorld.write(dir.resolve("world"));
    Files.write(
        folder.resolve("user_ids.txt"),
        new byte[] {'1', '\n', '2', '\n', '3', (byte) 0xe9, '\n', '4', '\n'});
    UserInputException e =
        assertThrows(
            UserInputException.class,
            () -> prepare(FileWorld.files(folder, List.of("sc")), Map.of()));
    assertEquals(
        folder.resolve("user_ids.txt")
            + ", line 3: byte 0xe9 (byte offset 5) is not UTF-8; expected an id"
            + " list, one id per line in UTF-8",
        e.getMessage());
  }
}
