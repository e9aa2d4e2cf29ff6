package dev.elmrlaif.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the one JSON line of figures each side prints. */
class SideFiguresTest {
  /**
   * A line as {@code bench/pytorch_reference.py --json} printed it (shortened), after a warning.
   */
  private static final String PYTHON_OUTPUT =
      "UserWarning: something on stdout\n"
          + "{\"side\": \"pytorch\", \"info\": {\"python\": \"3.11.2\", \"torch\": \"1.13.0a0\","
          + " \"intra_op_threads\": 1, \"params_d8\": 6784, \"blas\": \"BLAS_INFO=generic; no MKL\"},"
          + " \"figures\": {\"train_tok_s_d8\": 4397.8171990201545, \"reinforce_step_s\":"
          + " 0.003918989999874611, \"gemm_gflop_s\": 2}}\n";

  @Test
  void readsThePythonLine() {
    SideFigures figures = SideFigures.parse(PYTHON_OUTPUT, "PyTorch side, round 1");
    assertEquals("pytorch", figures.side());
    assertEquals("6784", figures.info().get("params_d8"));
    assertEquals("1", figures.info().get("intra_op_threads"));
    assertEquals("BLAS_INFO=generic; no MKL", figures.info().get("blas"));
    assertEquals(
        Map.of(
            "train_tok_s_d8", 4397.8171990201545,
            "reinforce_step_s", 0.003918989999874611,
            "gemm_gflop_s", 2.0),
        figures.figures());
  }

  @Test
  void roundTripsItsOwnLine() {
    SideFigures figures =
        new SideFigures("java", Map.of("djl", "0.36.0"), Map.of("gemm_gflop_s", 12.5));
    String line = figures.toJsonLine();
    assertEquals(
        "{\"side\":\"java\",\"info\":{\"djl\":\"0.36.0\"},\"figures\":{\"gemm_gflop_s\":12.5}}",
        line);
    assertEquals(figures, SideFigures.parse("log line\n" + line + "\n", "Java side"));
  }

  @Test
  void badOutputNamesTheSource() {
    assertEquals(
        "Java side, round 2: printed no JSON line of figures",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    SideFigures.parse("Traceback (most recent call last):\n", "Java side, round 2"))
            .getMessage());
    assertEquals(
        "PyTorch side: figure gemm_gflop_s is \"fast\", expected a finite number",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    SideFigures.parse(
                        "{\"side\": \"pytorch\", \"figures\": {\"gemm_gflop_s\": \"fast\"}}",
                        "PyTorch side"))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> SideFigures.parse("{\"side\": \"pytorch\", \"figures\": [1]}", "PyTorch side"));
    assertThrows(IllegalArgumentException.class, () -> SideFigures.parse("{not json", "x"));
  }
}
