package dev.elmrlaif.rlaif.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.config.DeviceSpec;
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
   * Loads the engine with the requested threads and picks the device.
   *
   * @param threads intra-op threads, 0 for one per core
   */
  public static ComputeEnvironment select(DeviceSpec spec, int threads) {
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
                  "device: gpu" + (spec.gpuIndex() > 0 ? ":" + spec.gpuIndex() : "")
                      + " requested, but the PyTorch engine sees " + gpus + " GPU(s); use device: cpu,"
                      + " or install DJL's CUDA build of PyTorch (see README, \"GPU\")");
            }
            yield Device.gpu(spec.gpuIndex());
          }
        };
    ComputeEnvironment env =
        new ComputeEnvironment(
            engine.getEngineName(),
            engine.getVersion(),
            Engine.getDjlVersion(),
            device,
            Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads")),
            gpus);
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
}
