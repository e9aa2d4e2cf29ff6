package dev.elmrlaif.replay;

import static dev.elmrlaif.replay.TestTrajectories.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayPersistenceTest {
  @TempDir Path dir;

  private static ReplayBuffer filledBuffer() {
    ReplayBuffer buffer =
        ReplayBuffer.create(
            new ReplayConfig(5, 40, true, 0.7, 0.5, 1e-4), ResumableRandom.seeded(77));
    for (int n = 0; n < 8; n++) {
      buffer.add(numbered(n, 2 + n % 3), 0.5 + n); // wraps the ring: head is not slot 0
    }
    buffer.add(
        Trajectory.builder("with-token-rewards")
            .taskId("two_movies")
            .contexts()
            .actionIds(3, 1)
            .behaviourLogProbs(-0.1, Double.NEGATIVE_INFINITY)
            .referenceLogProbs(-0.2, -0.3)
            .reward(-1.5)
            .tokenRewards(0.25, -0.75)
            .policyVersion(42)
            .build(),
        2.5);
    buffer.updatePriority("t6", 0.125);
    buffer.sampleTransitions(13); // advance the generator
    return buffer;
  }

  @Test
  void saveThenLoadRestoresContentsAndResumesSamplingExactly() throws IOException {
    ReplayBuffer original = filledBuffer();
    Path file = dir.resolve("replay.bin");
    original.save(file);
    ReplayBuffer loaded = ReplayBuffer.load(file);

    assertEquals(original.config(), loaded.config());
    assertEquals(original.snapshot(), loaded.snapshot());
    for (Trajectory t : original.snapshot()) {
      assertEquals(original.priority(t.id()), loaded.priority(t.id()));
    }
    assertEquals(original.insertedCount(), loaded.insertedCount());
    assertEquals(original.evictedCount(), loaded.evictedCount());
    assertEquals(original.transitionCount(), loaded.transitionCount());
    // The reloaded buffer draws what the original would have drawn.
    assertEquals(original.sampleTransitions(200), loaded.sampleTransitions(200));
    assertEquals(original.sampleTrajectories(50), loaded.sampleTrajectories(50));
    // ... and evicts and prioritises the same way after new additions.
    original.add(numbered(100, 4));
    loaded.add(numbered(100, 4));
    assertEquals(original.snapshot(), loaded.snapshot());
    assertEquals(original.priority("t100"), loaded.priority("t100"));
    assertEquals(original.sampleTrajectories(50), loaded.sampleTrajectories(50));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temp file left behind");
    }
  }

  @Test
  void readOnlyBufferSamplesButRefusesChanges() throws IOException {
    ReplayBuffer original = filledBuffer();
    Path file = dir.resolve("offline.bin");
    original.save(file);
    ReplayBuffer offline = ReplayBuffer.openReadOnly(file);
    assertTrue(offline.isReadOnly());
    assertEquals(original.sampleTrajectories(20), offline.sampleTrajectories(20));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> offline.add(numbered(99, 2)));
    assertTrue(e.getMessage().contains("offline.bin"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> offline.updatePriority("t5", 1.0));
    assertThrows(IllegalStateException.class, () -> offline.save(dir.resolve("copy.bin")));
  }

  @Test
  void truncatedFileNamesTheFileAndWhereItEnds() throws IOException {
    Path file = dir.resolve("cut.bin");
    filledBuffer().save(file);
    byte[] bytes = Files.readAllBytes(file);
    for (int length : new int[] {0, 5, 30, bytes.length / 2, bytes.length - 9, bytes.length - 1}) {
      Files.write(file, Arrays.copyOf(bytes, length));
      ReplayFormatException e =
          assertThrows(ReplayFormatException.class, () -> ReplayBuffer.load(file));
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      assertTrue(
          e.getMessage().contains("truncated") || e.getMessage().contains("not a replay"),
          "length " + length + ": " + e.getMessage());
      assertEquals(file, e.file());
    }
    Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    ReplayFormatException e =
        assertThrows(ReplayFormatException.class, () -> ReplayBuffer.load(file));
    assertTrue(e.getMessage().contains("ends at byte " + bytes.length / 2), e.getMessage());
    assertTrue(e.getMessage().contains("of trajectory"), e.getMessage());
  }

  @Test
  void corruptFileGivesAClearError() throws IOException {
    Path file = dir.resolve("bad.bin");
    filledBuffer().save(file);
    byte[] bytes = Files.readAllBytes(file);

    byte[] flipped = bytes.clone();
    flipped[flipped.length - 40] ^= 0x10; // inside the last trajectory's doubles
    Files.write(file, flipped);
    ReplayFormatException checksum =
        assertThrows(ReplayFormatException.class, () -> ReplayBuffer.load(file));
    assertTrue(checksum.getMessage().contains("checksum mismatch"), checksum.getMessage());
    assertTrue(checksum.getMessage().contains(file.toString()), checksum.getMessage());

    byte[] wrongMagic = bytes.clone();
    wrongMagic[0] = 'X';
    Files.write(file, wrongMagic);
    ReplayFormatException magic =
        assertThrows(ReplayFormatException.class, () -> ReplayBuffer.load(file));
    assertTrue(magic.getMessage().contains("not a replay buffer file"), magic.getMessage());

    byte[] wrongVersion = bytes.clone();
    wrongVersion[11] = 9;
    Files.write(file, wrongVersion);
    ReplayFormatException version =
        assertThrows(ReplayFormatException.class, () -> ReplayBuffer.load(file));
    assertTrue(version.getMessage().contains("format version 9"), version.getMessage());

    byte[] extra = Arrays.copyOf(bytes, bytes.length + 1);
    Files.write(file, extra);
    ReplayFormatException trailing =
        assertThrows(ReplayFormatException.class, () -> ReplayBuffer.load(file));
    assertTrue(trailing.getMessage().contains("after the trailer"), trailing.getMessage());

    ReplayFormatException missing =
        assertThrows(
            ReplayFormatException.class, () -> ReplayBuffer.load(dir.resolve("missing.bin")));
    assertTrue(missing.getMessage().contains("missing.bin"), missing.getMessage());
  }

  @Test
  void corruptLengthIsCaughtBeforeAllocating() throws IOException {
    Path file = dir.resolve("len.bin");
    ReplayBuffer buffer = ReplayBuffer.create(ReplayConfig.uniform(2), ResumableRandom.seeded(1));
    buffer.add(numbered(1, 2));
    buffer.save(file);
    byte[] bytes = Files.readAllBytes(file);
    // Header: 8 magic + 4 version + 37 config + 32 state + 8 head/count = 89; priority 8 more.
    int idLengthOffset = 89 + 8;
    bytes[idLengthOffset] = 0x7f;
    Files.write(file, bytes);
    ReplayFormatException e =
        assertThrows(ReplayFormatException.class, () -> ReplayBuffer.load(file));
    assertTrue(e.getMessage().contains("id of trajectory 0 of 1 has length"), e.getMessage());
    assertTrue(e.getMessage().contains("at byte " + idLengthOffset), e.getMessage());
  }
}
