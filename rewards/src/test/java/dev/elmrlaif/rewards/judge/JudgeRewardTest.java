package dev.elmrlaif.rewards.judge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.RewardFlag;
import dev.elmrlaif.rewards.RewardResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JudgeRewardTest {

  private static JudgeClient client(ChatServer server) {
    return new JudgeClient(
        new JudgeConfig(
            server.endpoint(),
            "m",
            null,
            "faithfulness",
            Duration.ofSeconds(5),
            2,
            Duration.ofMillis(1),
            2.0,
            Duration.ofMillis(10),
            100,
            0.0,
            16),
        name -> null,
        d -> {});
  }

  @Test
  void scoreModeUsesTheJudgeAndFallsBackOnFailure() throws IOException {
    // the judge scores by the words in the text; a text with "broken" gets an unparseable reply
    try (ChatServer server =
            ChatServer.answering(
                body ->
                    body.contains("broken")
                        ? ChatServer.Reply.ok("no idea")
                        : ChatServer.Reply.ok(
                            body.contains("great") ? "SCORE: 0.9" : "SCORE: 0.2"));
        JudgeReward reward =
            new JudgeReward(
                client(server), new JudgeReward.Config(JudgeReward.Mode.SCORE, 0.25, 3))) {
      RewardContext context = RewardContext.builder("movie:1").prompt("Describe the movie").build();
      RewardResult result =
          reward.score(
              List.of("a great film", "a dull film", "broken", ""),
              List.of(context, context, context, context));
      assertArrayEquals(new double[] {0.9, 0.2, 0.25, 0.0}, result.scores(), 0.0);
      assertEquals(Set.of(RewardFlag.JUDGE_FAILED), result.flags().get(2));
      assertEquals(Set.of(RewardFlag.EMPTY_TEXT), result.flags().get(3));
    }
  }

  @Test
  void preferenceModeComparesBothOrdersAgainstTheReference() throws IOException {
    // this judge prefers the text that mentions "heist"; with no clue it always answers A (position
    // bias)
    try (ChatServer server =
            ChatServer.answering(
                body -> {
                  int a = body.indexOf("Text A:");
                  int b = body.indexOf("Text B:");
                  boolean aHeist = body.substring(a, b).contains("heist");
                  boolean bHeist = body.substring(b).contains("heist");
                  return ChatServer.Reply.ok(
                      aHeist == bHeist
                          ? "PREFERENCE: A"
                          : aHeist ? "PREFERENCE: A" : "PREFERENCE: B");
                });
        JudgeReward reward =
            new JudgeReward(
                client(server),
                new JudgeReward.Config(JudgeReward.Mode.PREFERENCE_VS_REFERENCE, 0.0, 2))) {
      RewardContext withReference =
          RewardContext.builder("movie:2")
              .prompt("Summarise")
              .referenceText("A crew plans a casino robbery.")
              .build();
      RewardContext noReference = RewardContext.builder("movie:3").prompt("Summarise").build();
      RewardResult result =
          reward.score(
              List.of("A daring heist in Vegas.", "A quiet drama.", "Anything"),
              List.of(withReference, withReference, noReference));
      // wins both orders -> 1; loses nothing to position bias only -> each order says A -> 1/2
      assertArrayEquals(new double[] {1.0, 0.5, 0.0}, result.scores(), 0.0);
      assertEquals(Set.of(RewardFlag.NO_TARGET), result.flags().get(2));
    }
  }

  @Test
  void stopOnFailureRethrowsTheFailureInsteadOfFallingBack() throws IOException {
    try (ChatServer server = ChatServer.answering(body -> ChatServer.Reply.status(503, "busy"));
        JudgeReward reward =
            new JudgeReward(
                client(server), new JudgeReward.Config(JudgeReward.Mode.SCORE, 0.25, 2, true))) {
      RewardContext context = RewardContext.builder("movie:1").prompt("Describe the movie").build();
      JudgeException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              JudgeException.class,
              () -> reward.score(List.of("a film", "another"), List.of(context, context)));
      org.junit.jupiter.api.Assertions.assertTrue(
          e.getMessage().contains(server.endpoint().toString())
              && e.getMessage().contains("HTTP 503"),
          e.getMessage());
    }
  }
}
