package dev.elmrlaif.algorithms.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code device} key: {@code auto} (a GPU when the engine sees one, else the CPU), {@code
 * cpu}, {@code gpu} (the first GPU) or {@code gpu:N}.
 */
public record DeviceSpec(Kind kind, int gpuIndex) {
  private static final Pattern GPU_N = Pattern.compile("gpu:(\\d{1,3})");

  /** What the user asked for. */
  public enum Kind {
    AUTO,
    CPU,
    GPU
  }

  /**
   * Parses a device string.
   *
   * @throws IllegalArgumentException naming the value and the accepted forms
   */
  public static DeviceSpec parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("device: expected auto, cpu, gpu or gpu:N, found null");
    }
    switch (text) {
      case "auto":
        return new DeviceSpec(Kind.AUTO, -1);
      case "cpu":
        return new DeviceSpec(Kind.CPU, -1);
      case "gpu":
        return new DeviceSpec(Kind.GPU, 0);
      default:
        Matcher m = GPU_N.matcher(text);
        if (m.matches()) {
          return new DeviceSpec(Kind.GPU, Integer.parseInt(m.group(1)));
        }
        throw new IllegalArgumentException(
            "device: expected auto, cpu, gpu or gpu:N, found \"" + text + "\"");
    }
  }
}
