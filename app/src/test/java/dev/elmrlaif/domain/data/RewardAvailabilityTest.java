package dev.elmrlaif.domain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.train.TinyElmWorld;
import dev.elmrlaif.domain.InMemoryDomain;
import dev.elmrlaif.domain.base.UserInputException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which rewards prepared data supports, on MovieLens-shaped data (movies with a text-comparable
 * semantic space, users with ratings) and with each ingredient of behavioral consistency removed.
 */
class RewardAvailabilityTest {
  @TempDir Path dir;

  private static PreparedData withDomain(PreparedData data, InMemoryDomain domain) {
    return new PreparedData(
        data.folder(),
        domain,
        data.tasks(),
        data.trainExamples(),
        data.heldOutExamples(),
        data.textEncoder(),
        data.ranking(),
        data.timings(),
        data.datasetSummary(),
        data.teacher(),
        false);
  }

  @Test
  void movieLensShapedDataSupportsBothOnTheRightTasks() {
    PreparedData data = TinyElmWorld.data(dir);
    RewardAvailability rewards = RewardAvailability.of(data);
    assertEquals(List.of("sc", "bc"), rewards.available());
    assertEquals(List.of("user_profile"), RewardAvailability.bcTasks(data));
    assertTrue(
        RewardAvailability.readsTextSpaces(data.domain(), data.tasks().get(0)),
        "summary reads semantic");
    assertFalse(
        RewardAvailability.readsTextSpaces(data.domain(), data.tasks().get(2)),
        "the profile reads behavioral");
    assertTrue(rewards.reasons().get("bc").contains("space 'semantic'"), rewards.describe());
    rewards.require("bc", "rl.contexts.reward.bc_weight");
  }

  @Test
  void withoutInteractionsBehavioralConsistencyIsRefusedWithTheReason() {
    PreparedData data = TinyElmWorld.data(dir);
    InMemoryDomain d = data.domain();
    RewardAvailability rewards =
        RewardAvailability.of(
            withDomain(
                data,
                new InMemoryDomain(
                    d.name(),
                    d.entityTables(),
                    d.spaces(),
                    d.texts(),
                    d.splits(),
                    null,
                    d.concepts())));
    assertEquals(List.of("sc"), rewards.available());
    UserInputException e =
        assertThrows(
            UserInputException.class, () -> rewards.require("bc", "rl.contexts.reward.bc_weight"));
    assertEquals(
        "rl.contexts.reward.bc_weight asks for bc, which this data cannot give: unavailable: the domain has "
            + "no interactions (a file domain reads them from data.files.interactions.file)",
        e.getMessage());
  }

  @Test
  void withoutATaskAboutUsersBehavioralConsistencyIsRefusedWithTheReason() {
    PreparedData data = TinyElmWorld.data(dir);
    PreparedData movieTasksOnly =
        new PreparedData(
            data.folder(),
            data.domain(),
            data.tasks().subList(0, 2),
            data.trainExamples(),
            data.heldOutExamples(),
            data.textEncoder(),
            data.ranking(),
            data.timings(),
            data.datasetSummary(),
            data.teacher(),
            false);
    RewardAvailability rewards = RewardAvailability.of(movieTasksOnly);
    assertEquals(List.of("sc"), rewards.available());
    assertEquals(
        "unavailable: no enabled task's first slot is a user (the interactions' row kind); enable one to "
            + "score behavioral consistency",
        rewards.reasons().get("bc"));
  }
}
