package dev.elmrlaif.algorithms.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.elmrlaif.algorithms.config.DeviceSpec;
import dev.elmrlaif.domain.base.UserInputException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The engine, device and thread counts a run computes with, chosen from the {@code device} and
 * {@code threads} keys and logged at the start of every run.
 *
 * <p>Thread counts reach PyTorch through DJL's system properties {@code ai.djl.pytorch.num_threads}
 * and {@code ai.djl.pytorch.num_interop_threads}, which the engine reads when it first loads; so
 * this must be created before any other code touches DJL.
 */
public record ComputeEnvironment(
    String engineName,
    String engineVersion,
    String djlVersion,
    Device device,
    int intraOpThreads,
    int gpuCount) {
  private static final Logger LOG = LogManager.getLogger(ComputeEnvironment.class);

  /**
   * Loads the engine with the requested threads, picks the device and logs the choice.
   *
   * @param threads intra-op threads, 0 for one per core
   * @throws UserInputException when a GPU is asked for that the engine does not see (see {@link
   *     #requireDevice})
   */
  public static ComputeEnvironment select(DeviceSpec spec, int threads) {
    ComputeEnvironment env = resolve(spec, threads);
    LOG.info(
        "engine {} {} (DJL {}), device {}, intra-op threads {}, GPUs visible {}",
        env.engineName,
        env.engineVersion,
        env.djlVersion,
        env.device,
        env.intraOpThreads,
        env.gpuCount);
    return env;
  }

  /**
   * Loads the engine and checks that the device a config asks for is there, before a run writes
   * anything; {@link #select} later finds the engine loaded.
   *
   * @throws UserInputException for {@code device: gpu} (or {@code gpu:N}) when the engine sees no
   *     such GPU: one line with what was looked for (a CUDA build of PyTorch, the flavours this DJL
   *     serves), what was found (the flavour and folder of the library the engine loaded, whether
   *     it holds CUDA libraries, {@code PYTORCH_FLAVOR}, the CUDA runtime) and the two ways out
   */
  public static void requireDevice(DeviceSpec spec, int threads) {
    resolve(spec, threads);
  }

  private static ComputeEnvironment resolve(DeviceSpec spec, int threads) {
    int intra = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(intra));
    }
    if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    Engine engine = Engine.getEngine("PyTorch");
    int gpus = engine.getGpuCount();
    Device device =
        switch (spec.kind()) {
          case CPU -> Device.cpu();
          case AUTO -> gpus > 0 ? Device.gpu(0) : Device.cpu();
          case GPU -> {
            if (spec.gpuIndex() >= gpus) {
              throw new UserInputException(
                  NativeLibraryReport.noGpu(spec.gpuIndex(), gpus, engine));
            }
            yield Device.gpu(spec.gpuIndex());
          }
        };
    return new ComputeEnvironment(
        engine.getEngineName(),
        engine.getVersion(),
        Engine.getDjlVersion(),
        device,
        Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads")),
        gpus);
  }
}
