package dev.elmrlaif.rewards.text;

import ai.onnxruntime.OrtEnvironment;
import java.nio.file.Path;

/**
 * A child JVM's main for {@link OnnxRuntimeNativesTest}: loads ONNX Runtime with its own loader
 * ({@code plain}) or from the copy in a given folder ({@code shared FOLDER}), then exits normally.
 */
final class LoadOnnxRuntime {
  private LoadOnnxRuntime() {}

  public static void main(String[] args) {
    if (args[0].equals("shared")) {
      OnnxRuntimeNatives.useSharedCopy(Path.of(args[1]));
    }
    OrtEnvironment.getEnvironment();
    System.out.println(
        "loaded; "
            + OnnxRuntimeNatives.PATH_PROPERTY
            + "="
            + System.getProperty(OnnxRuntimeNatives.PATH_PROPERTY));
  }
}
