package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code device: gpu} (or {@code gpu:N}) on a machine or build without a GPU stops before the run
 * folder is made, with exit 2 and one line: what was looked for (a CUDA build of PyTorch and the
 * flavour DJL serves), what the engine loaded (flavour cpu, its folder, no CUDA library), and the
 * two ways out (DJL's CUDA build per README "GPU", or device: cpu).
 */
@Tag("reliability")
class GpuDeviceCheckTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"gpu", "gpu:1"})
  void aGpuThatIsNotThereIsOneLineNamingWhatWasLookedForAndFound(String device) throws Exception {
    Engine engine = Engine.getEngine("PyTorch");
    Assumptions.assumeTrue(engine.getGpuCount() == 0, "a GPU is visible here");
    Assumptions.assumeTrue(
        System.getenv("PYTORCH_FLAVOR") == null
            && System.getenv("PYTORCH_LIBRARY_PATH") == null
            && System.getProperty("os.name").startsWith("Linux")
            && System.getProperty("os.arch").equals("amd64"),
        "the CPU build of the pom on linux-x86_64, no PYTORCH_FLAVOR or PYTORCH_LIBRARY_PATH");
    Path cfg = CliHarness.tinyMovieLensConfig(dir, "summary", "stages: [data]\n");
    Path run = dir.resolve("run");
    CliHarness.Result result =
        CliHarness.run(
            "train", cfg.toString(), "--set", "device=" + device, "--run-dir", run.toString());
    assertEquals(2, result.exitCode(), result.err());
    assertEquals(1, result.err().lines().count(), result.err());
    int index = device.equals("gpu") ? 0 : 1;
    // the CUDA runtime is the machine's (this CPU-only machine has a libcudart of CUDA 13.0)
    String expected =
        Pattern.quote(
                "error: device: "
                    + device
                    + " found no GPU "
                    + index
                    + ". Looked for: GPU "
                    + index
                    + " through a CUDA build of PyTorch 2.7.1 (DJL 0.36.0 serves cu128 (CUDA 12.8 or newer) for"
                    + " linux-x86_64). Found: flavour cpu from "
                    + Path.of(LibUtils.getLibtorchPath())
                    + " (no CUDA library in it), PYTORCH_FLAVOR not set, ")
            + "(CUDA runtime \\d+\\.\\d \\(libcudart\\)|no CUDA runtime \\(libcudart\\) found)"
            + Pattern.quote(
                ", 0 GPU(s) visible to the engine. Fix: install DJL's CUDA build of PyTorch as README"
                    + " \"GPU\" says (mvn -Pgpu, PYTORCH_FLAVOR=cu128), or use device: cpu");
    assertTrue(result.err().strip().matches(expected), result.err());
    assertFalse(Files.exists(run), "nothing written");
  }
}
