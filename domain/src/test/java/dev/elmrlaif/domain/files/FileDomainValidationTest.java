package dev.elmrlaif.domain.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.FilesDomainConfig;
import dev.elmrlaif.domain.data.NpyReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every validation of a file domain (data.domain: files) stops preparation before anything is
 * fitted, with the file and line in the message: dimension mismatches, duplicate ids, NaN and
 * infinite components, missing text fields, interaction and concept ids no entity has, bad .npy
 * headers and a shape that disagrees with the id list.
 */
class FileDomainValidationTest {
  @TempDir Path dir;
  Path folder;

  @BeforeEach
  void writeWorld() throws IOException {
    folder = FileWorld.write(dir.resolve("world"));
  }

  private String failure() {
    FilesDomainConfig files = FileWorld.files(folder, List.of());
    FileDomainPreparer preparer =
        new FileDomainPreparer(FileWorld.data(files, dir.resolve("cache")), 1, Map.of());
    UserInputException e = assertThrows(UserInputException.class, () -> preparer.prepare(true));
    assertTrue(
        Files.notExists(dir.resolve("cache")),
        "nothing is prepared or cached before validation passes");
    return e.getMessage();
  }

  /** Replaces line {@code line} (1-based) of {@code file} in the world folder. */
  private void replaceLine(String file, int line, String text) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(folder.resolve(file)));
    lines.set(line - 1, text);
    Files.write(folder.resolve(file), lines);
  }

  private String items() {
    return folder.resolve("items.jsonl").toString();
  }

  @Test
  void theUnbrokenWorldIsValid() {
    FileDomainPreparer preparer =
        new FileDomainPreparer(
            FileWorld.data(FileWorld.files(folder, List.of()), dir.resolve("cache")), 1, Map.of());
    assertEquals(2, preparer.read(folder).tasks().size());
  }

  @Test
  void vectorOfAnotherDimensionNamesItsLine() throws IOException {
    replaceLine(
        "items.jsonl",
        3,
        "{\"id\": \"i2\", \"vectors\": {\"s\": [1, 2]}, \"texts\": {\"description\": \"x\"}}");
    assertEquals(
        items() + ":3: vectors.s has 2 values; expected 3 (the dimension on line 1)", failure());
  }

  @Test
  void duplicateIdNamesBothLines() throws IOException {
    replaceLine(
        "items.jsonl",
        5,
        "{\"id\": \"i1\", \"vectors\": {\"s\": [1, 2, 3]}, \"texts\": {\"description\": \"x\"}}");
    assertEquals(
        items() + ":5: duplicate id 'i1' (first on line 2); expected unique ids", failure());
  }

  @Test
  void nanComponentNamesItsLine() throws IOException {
    replaceLine(
        "items.jsonl",
        4,
        "{\"id\": \"i3\", \"vectors\": {\"s\": [1, NaN, 3]}, \"texts\": {\"description\": \"x\"}}");
    assertEquals(items() + ":4: vectors.s[1] is NaN; expected a finite number", failure());
  }

  @Test
  void infiniteComponentNamesItsLine() throws IOException {
    replaceLine(
        "items.jsonl",
        2,
        "{\"id\": \"i1\", \"vectors\": {\"s\": [1, 2, 1e999]}, \"texts\": {\"description\": \"x\"}}");
    assertTrue(failure().startsWith(items() + ":2: vectors.s[2] is "), failure());
  }

  @Test
  void nanInAnNpyRowNamesTheIdListLine() throws IOException {
    Files.write(
        folder.resolve("user_u.npy"),
        NpyReader.float32(4, 2, new float[] {1, 0, 0, 1, 1, Float.NaN, -1, 0}));
    assertEquals(
        folder.resolve("user_u.npy")
            + ": row 2 (id '3' on "
            + folder.resolve("user_ids.txt")
            + ":3): component 1 is NaN; expected finite numbers",
        failure());
  }

  @Test
  void entityWithoutASpaceTheOthersHaveNamesItsLine() throws IOException {
    replaceLine("items.jsonl", 6, "{\"id\": \"i5\", \"texts\": {\"description\": \"x\"}}");
    assertEquals(
        items() + ":6: no vectors.s; expected every item to have it (line 1 has it)", failure());
  }

  @Test
  void missingTextFieldNamesTheEntityLineAndTheTask() throws IOException {
    replaceLine(
        "items.jsonl",
        7,
        "{\"id\": \"i6\", \"vectors\": {\"s\": [1, 2, 3]}, \"texts\": {\"title\": \"x\"}}");
    assertEquals(
        items()
            + ":7: no texts.description for item 'i6'; expected it on every item because task "
            + "'describe' ("
            + folder.resolve("tasks.yaml")
            + ":1) writes its target from it",
        failure());
  }

  @Test
  void interactionWithAnUnknownIdNamesItsLine() throws IOException {
    replaceLine("interactions.csv", 4, "2,i99,4");
    assertEquals(
        folder.resolve("interactions.csv")
            + ":4: column 2 (item): found 'i99', expected the id of a item in "
            + items(),
        failure());
  }

  @Test
  void interactionWithAnUnknownUserNamesItsLine() throws IOException {
    replaceLine("interactions.csv", 2, "7,i0,5");
    assertEquals(
        folder.resolve("interactions.csv")
            + ":2: column 1 (user): found '7', expected the id of a user in "
            + folder.resolve("users.jsonl"),
        failure());
  }

  @Test
  void conceptOfAnUnknownEntityNamesItsLine() throws IOException {
    replaceLine("concepts.csv", 3, "i42,round");
    assertEquals(
        folder.resolve("concepts.csv")
            + ":3: column 1 (item): found 'i42', expected the id of a item in "
            + items(),
        failure());
  }

  @Test
  void npyWithTheWrongMagicIsNamed() throws IOException {
    Files.writeString(folder.resolve("user_u.npy"), "not numpy at all");
    assertEquals(
        folder.resolve("user_u.npy")
            + ": not a .npy file (bad magic at byte 0); expected a file written by "
            + "numpy.save",
        failure());
  }

  @Test
  void npyRowsDisagreeingWithTheIdListAreNamed() throws IOException {
    Files.write(folder.resolve("user_u.npy"), NpyReader.float32(3, 2, new float[6]));
    assertEquals(
        folder.resolve("user_u.npy")
            + ": 3 rows, but "
            + folder.resolve("user_ids.txt")
            + " lists 4 ids; expected one id line per row",
        failure());
  }

  @Test
  void idListLineWithAnUnknownIdIsNamed() throws IOException {
    Files.writeString(folder.resolve("user_ids.txt"), "1\n2\n9\n4\n");
    assertEquals(
        folder.resolve("user_ids.txt")
            + ":3: id '9' is no user in "
            + folder.resolve("users.jsonl")
            + "; expected ids of that file",
        failure());
  }

  @Test
  void idListWithADuplicateNamesBothLines() throws IOException {
    Files.writeString(folder.resolve("user_ids.txt"), "1\n2\n3\n2\n");
    assertEquals(
        folder.resolve("user_ids.txt")
            + ":4: duplicate id '2' (first on line 2); expected unique ids",
        failure());
  }

  @Test
  void taskReadingASpaceOfAnotherKindNamesItsLine() throws IOException {
    replaceLine("tasks.yaml", 7, "  slots: [{kind: user, space: s}]");
    assertEquals(
        folder.resolve("tasks.yaml")
            + ":5: task 'profile': space 's' is not a space of kind 'user'; "
            + "expected one of [u, user_text]",
        failure());
  }

  @Test
  void tasksOfOneModelWithTwoDimensionsAreNamed() throws IOException {
    Files.writeString(
        folder.resolve("tasks.yaml"),
        Files.readString(folder.resolve("tasks.yaml"))
            + String.join(
                "\n",
                "- name: words",
                "  prompt: \"Words for <|entity_0|>.\"",
                "  slots: [{kind: item, space: item_text}]",
                "  target: description",
                ""));
    assertEquals(
        folder.resolve("tasks.yaml")
            + ":9: task 'words': reads space 'item_text' of dimension 2, but the "
            + "item model's first task 'describe' (line 1) reads dimension 3; expected one dimension per model (one "
            + "adapter per first-slot kind)",
        failure());
  }

  @Test
  void malformedJsonNamesItsLine() throws IOException {
    replaceLine("items.jsonl", 8, "{\"id\": \"i7\", \"vectors\": ");
    assertTrue(failure().startsWith(items() + ":8: not valid JSON ("), failure());
  }
}
