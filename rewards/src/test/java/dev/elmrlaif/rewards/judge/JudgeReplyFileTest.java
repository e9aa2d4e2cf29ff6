package dev.elmrlaif.rewards.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The judge's reply cache on disk: a judgement is asked once across clients (processes), the file
 * holds digests and one-line replies only (no prompt, no key), is created on the first reply, and a
 * line cut short by a kill is skipped, not fatal.
 */
class JudgeReplyFileTest {

  private static final String KEY = "sk-reply-file-SECRET-42";

  @TempDir Path dir;

  private static JudgeClient client(ChatServer server, JudgeReplyStore store) {
    JudgeConfig config =
        new JudgeConfig(
            server.endpoint(),
            "judge-model",
            "JUDGE_KEY",
            "faithful",
            Duration.ofSeconds(5),
            1,
            Duration.ofMillis(1),
            2.0,
            Duration.ofMillis(10),
            100,
            0.0,
            16);
    return new JudgeClient(config, Map.of("JUDGE_KEY", KEY)::get, d -> {}, store);
  }

  @Test
  void aJudgementIsAskedOnceAcrossClientsAndTheFileHoldsNoPromptOrKey() throws IOException {
    Path folder = dir.resolve("judge");
    try (ChatServer server =
        ChatServer.scripted(
            ChatServer.Reply.ok(" SCORE: 0.75\n"), ChatServer.Reply.ok("PREFERENCE: B"))) {
      try (JudgeReplyFile store = JudgeReplyFile.open(folder)) {
        assertFalse(Files.exists(folder), "nothing is created before the first reply");
        JudgeClient first = client(server, store);
        assertEquals(0.75, first.score("A heist movie about PROMPT_MARKER.", "Describe it"), 0.0);
        assertEquals(JudgeClient.Preference.SECOND, first.compare("one", "two", "task"));
      }
      try (JudgeReplyFile reopened = JudgeReplyFile.open(folder)) {
        assertEquals(2, reopened.size());
        JudgeClient second = client(server, reopened);
        assertEquals(0.75, second.score("A heist movie about PROMPT_MARKER.", "Describe it"), 0.0);
        assertEquals(JudgeClient.Preference.SECOND, second.compare("one", "two", "task"));
      }
      assertEquals(2, server.received().size(), "the second client asked nothing");
      assertEquals("Bearer " + KEY, server.received().get(0).authorization());
    }
    String text = Files.readString(folder.resolve(JudgeReplyFile.FILE_NAME));
    assertEquals(2, text.lines().count());
    assertTrue(text.contains("\"SCORE: 0.75\"") && text.contains("\"PREFERENCE: B\""), text);
    assertFalse(
        text.contains(KEY) || text.contains("PROMPT_MARKER") || text.contains("judge-model"), text);
  }

  @Test
  void aLineCutShortIsSkippedAndTheNextReplyStartsAFreshLine() throws IOException {
    Path folder = dir.resolve("judge");
    Path file = folder.resolve(JudgeReplyFile.FILE_NAME);
    try (JudgeReplyFile store = JudgeReplyFile.open(folder)) {
      store.put("aa", "SCORE: 1");
    }
    Files.writeString(
        file, "{\"key\": \"bb\", \"rep", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    try (JudgeReplyFile store = JudgeReplyFile.open(folder)) {
      assertEquals(Optional.of("SCORE: 1"), store.get("aa"));
      assertEquals(Optional.empty(), store.get("bb"));
      store.put("cc", "SCORE: 0");
    }
    try (JudgeReplyFile store = JudgeReplyFile.open(folder)) {
      assertEquals(2, store.size(), "the cut line stays skipped and the new one reads back");
      assertEquals(Optional.of("SCORE: 0"), store.get("cc"));
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(3, lines.size(), String.join("\n", lines));
  }

  @Test
  void aStoredReplyThatNoLongerParsesIsAskedAgain() throws IOException {
    try (ChatServer server = ChatServer.scripted(ChatServer.Reply.ok("SCORE: 0.5"))) {
      JudgeReplyStore store =
          new JudgeReplyStore() {
            @Override
            public Optional<String> get(String key) {
              return Optional.of("SCORE: 7"); // out of range: not a judgement
            }

            @Override
            public void put(String key, String reply) {}
          };
      assertEquals(0.5, client(server, store).score("text", "task"), 0.0);
      assertEquals(1, server.received().size());
    }
  }
}
