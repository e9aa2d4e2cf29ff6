package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.run.RunStopped;
import dev.elmrlaif.algorithms.run.StopRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The first SIGTERM / SIGINT asks for a clean stop; a second one halts at once with 143 / 130. */
@Tag("reliability")
class SignalStopHandlerTest {
  @Test
  void aSecondSignalHaltsAtOnceWithTheSignalsExitCode() {
    StopRequest stop = new StopRequest();
    List<Integer> halted = new ArrayList<>();
    SignalStop.onSignal("TERM", stop, halted::add);
    assertTrue(stop.requested());
    assertEquals(List.of(), halted, "the first signal only asks");
    SignalStop.onSignal("INT", stop, halted::add);
    assertEquals(List.of(130), halted);
    SignalStop.onSignal("TERM", stop, halted::add);
    assertEquals(List.of(130, 143), halted);
  }

  @Test
  void theStopNamesTheSignalAndItsExitCode() {
    StopRequest stop = new StopRequest();
    stop.stopIfRequested("nothing yet", null);
    stop.request("INT");
    RunStopped stopped =
        org.junit.jupiter.api.Assertions.assertThrows(
            RunStopped.class,
            () ->
                stop.stopIfRequested(
                    "pretrain after step 3 of 10", java.nio.file.Path.of("ck/step-00000003")));
    assertEquals(130, stopped.exitCode());
    assertEquals(
        "stopped by SIGINT: pretrain after step 3 of 10, checkpoint ck/step-00000003",
        stopped.getMessage());
  }
}
