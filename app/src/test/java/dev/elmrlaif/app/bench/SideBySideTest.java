package dev.elmrlaif.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each side of {@code bench --compare} gets the OpenMP variables its process should run with. */
class SideBySideTest {

  @Test
  void theJavaSideRunsWithoutAWaitPolicyAndPyTorchsPassive() {
    Map<String, String> inherited = new HashMap<>(Map.of("OMP_WAIT_POLICY", "ACTIVE", "X", "1"));
    Map<String, String> java = new HashMap<>(inherited);
    SideBySide.ompEnvironment(java, 2, SideBySide.JAVA_WAIT_POLICY);
    assertFalse(java.containsKey("OMP_WAIT_POLICY"), java.toString());
    assertEquals("2", java.get("OMP_NUM_THREADS"));
    assertEquals("1", java.get("X"));

    Map<String, String> pytorch = new HashMap<>(inherited);
    SideBySide.ompEnvironment(pytorch, 3, SideBySide.PYTORCH_WAIT_POLICY);
    assertEquals("PASSIVE", pytorch.get("OMP_WAIT_POLICY"));
    assertEquals("3", pytorch.get("OMP_NUM_THREADS"));
  }
}
