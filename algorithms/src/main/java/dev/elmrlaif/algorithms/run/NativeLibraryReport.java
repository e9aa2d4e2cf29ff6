package dev.elmrlaif.algorithms.run;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Utils;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The message for {@code device: gpu} when the engine sees no GPU. DJL quietly falls back to its
 * CPU build of PyTorch when it finds no CUDA flavour it serves for the machine's CUDA runtime (DJL
 * 0.36 serves PyTorch 2.7.1 as {@code cpu} and {@code cu128} only; a {@code PYTORCH_FLAVOR=cu124}
 * ends on the CPU with a log warning), and the CPU jar on the class path wins over any flavour; so
 * the message says what the engine loaded and from where, next to what a GPU run needs.
 */
final class NativeLibraryReport {
  /**
   * DJL's cache folders: {@code <version>[-<build date>]-<flavour>-<classifier>}, e.g.
   * 2.7.1-20250812-cpu-linux-x86_64 (the CPU jar's) or 2.7.1-cu128-linux-x86_64 (a download).
   */
  private static final Pattern CACHE_FOLDER =
      Pattern.compile(
          "(\\d+\\.\\d+\\.\\d+(?:-\\d{8})?)-(.+)-((?:linux|osx|win)-(?:x86_64|aarch64))");

  private NativeLibraryReport() {}

  /**
   * One line: what {@code device: gpu[:index]} looked for, what was found, and the two ways out.
   */
  static String noGpu(int index, int gpus, Engine engine) {
    String asked = "device: gpu" + (index > 0 ? ":" + index : "");
    String classifier = classifier();
    List<String> served = jniCudaFlavours(classifier);
    String lookedFor =
        "GPU "
            + index
            + " through a CUDA build of PyTorch "
            + engine.getVersion()
            + " ("
            + (served.isEmpty()
                ? "DJL " + Engine.getDjlVersion() + "'s JNI has no CUDA flavour for " + classifier
                : "DJL "
                    + Engine.getDjlVersion()
                    + " serves "
                    + String.join(", ", served.stream().map(NativeLibraryReport::describe).toList())
                    + " for "
                    + classifier)
            + ")";

    Path folder = libtorchFolder();
    String found;
    if (folder == null) {
      found = "no PyTorch library folder could be read from the engine";
    } else {
      Matcher m = CACHE_FOLDER.matcher(folder.getFileName().toString());
      String flavour = m.matches() ? "flavour " + m.group(2) : "a library";
      List<String> cuda = cudaLibraries(folder);
      found =
          flavour
              + " from "
              + folder
              + " ("
              + (cuda.isEmpty()
                  ? "no CUDA library in it"
                  : "CUDA libraries " + String.join(", ", cuda))
              + ")";
    }
    String flavourSetting = Utils.getEnvOrSystemProperty("PYTORCH_FLAVOR");
    found +=
        ", PYTORCH_FLAVOR "
            + (flavourSetting == null || flavourSetting.isEmpty() ? "not set" : flavourSetting);
    String libraryPath = Utils.getEnvOrSystemProperty("PYTORCH_LIBRARY_PATH");
    if (libraryPath != null && !libraryPath.isEmpty()) {
      found += ", PYTORCH_LIBRARY_PATH " + libraryPath;
    }
    found += ", " + cudaRuntime() + ", " + gpus + " GPU(s) visible to the engine";

    String fix =
        gpus > 0
            ? "use device: gpu:0" + (gpus > 1 ? " to gpu:" + (gpus - 1) : "") + ", or device: cpu"
            : "install DJL's CUDA build of PyTorch as README \"GPU\" says (mvn -Pgpu"
                + (served.isEmpty() ? "" : ", PYTORCH_FLAVOR=" + served.get(served.size() - 1))
                + "), or use device: cpu";
    return asked
        + " found no GPU "
        + index
        + ". Looked for: "
        + lookedFor
        + ". Found: "
        + found
        + ". Fix: "
        + fix;
  }

  /** {@code cu128 (CUDA 12.8+)}. */
  private static String describe(String flavour) {
    String digits = flavour.substring(2);
    if (digits.length() < 2 || !digits.chars().allMatch(Character::isDigit)) {
      return flavour;
    }
    return flavour
        + " (CUDA "
        + digits.substring(0, digits.length() - 1)
        + "."
        + digits.charAt(digits.length() - 1)
        + " or newer)";
  }

  /** DJL's platform classifier of this machine, e.g. linux-x86_64. */
  private static String classifier() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String osName = os.startsWith("win") ? "win" : os.startsWith("mac") ? "osx" : "linux";
    String archName = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch;
    return osName + "-" + archName;
  }

  /**
   * The CUDA flavours whose JNI library the pytorch-jni jar holds for {@code classifier} (its
   * {@code jnilib/<classifier>/<flavour>/} folders): the flavours this DJL release can run.
   */
  static List<String> jniCudaFlavours(String classifier) {
    TreeSet<String> flavours = new TreeSet<>();
    String prefix = "jnilib/" + classifier + "/";
    try {
      URL properties =
          NativeLibraryReport.class.getClassLoader().getResource("jnilib/pytorch.properties");
      if (properties == null) {
        return List.of();
      }
      if (properties.getProtocol().equals("jar")) {
        JarURLConnection connection = (JarURLConnection) properties.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
          for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
            String name = entries.nextElement().getName();
            if (name.startsWith(prefix + "cu")) {
              flavours.add(name.substring(prefix.length()).split("/")[0]);
            }
          }
        }
      } else if (properties.getProtocol().equals("file")) {
        Path folder = Path.of(properties.toURI()).getParent().resolve(classifier);
        if (Files.isDirectory(folder)) {
          try (Stream<Path> children = Files.list(folder)) {
            children
                .map(p -> p.getFileName().toString())
                .filter(n -> n.startsWith("cu"))
                .forEach(flavours::add);
          }
        }
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      return List.of();
    }
    return new ArrayList<>(flavours);
  }

  private static Path libtorchFolder() {
    try {
      return Path.of(LibUtils.getLibtorchPath());
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  /**
   * The CUDA libraries of PyTorch in the folder the engine loaded (libtorch_cuda.so and the like).
   */
  private static List<String> cudaLibraries(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.contains("cuda") || n.startsWith("libcudart") || n.startsWith("cudart"))
          .sorted()
          .toList();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /**
   * The machine's CUDA runtime as DJL detects it (libcudart through JNA), which picks DJL's
   * flavour.
   */
  private static String cudaRuntime() {
    try {
      int version = CudaUtils.getCudaVersion(); // e.g. 12040 for 12.4
      return "CUDA runtime " + version / 1000 + "." + (version / 10) % 10 + " (libcudart)";
    } catch (RuntimeException | LinkageError e) {
      return "no CUDA runtime (libcudart) found";
    }
  }
}
