package dev.elmrlaif.rewards.text;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One extracted copy of ONNX Runtime's native libraries per user and ORT version, which every
 * process loads. Why: ONNX Runtime 1.20's Java loader copies its libraries into a new temporary
 * folder at each start and leaves that folder behind at exit. It registers the folder for deletion
 * after the libraries, and {@link java.io.File#deleteOnExit} deletes in the reverse order of
 * registration, so the folder is tried while still full and then emptied: one empty {@code
 * onnxruntime-java*} folder in {@code java.io.tmpdir} per JVM that loads MiniLM (172 on the
 * development machine after a day of runs). Given {@code onnxruntime.native.path}, the loader reads
 * the libraries from there and extracts nothing, and the temporary folder it still creates is empty
 * when its deletion runs, so it goes ({@code OnnxRuntimeNativesTest} runs both in child JVMs).
 *
 * <p>The copy lives in {@code $XDG_CACHE_HOME/elm-rlaif/onnxruntime-<version>/<platform>} ({@code
 * ~/.cache} without the variable), the way DJL keeps PyTorch's libraries in {@code ~/.djl.ai}: a
 * per-user folder, never a shared temporary one another user could write into. A user's own {@code
 * onnxruntime.native.path} is left alone, and anything that fails here leaves ORT's own loading in
 * place.
 */
final class OnnxRuntimeNatives {
  /** The system property ONNX Runtime reads its libraries' folder from. */
  static final String PATH_PROPERTY = "onnxruntime.native.path";

  private static final Logger LOG = LogManager.getLogger(OnnxRuntimeNatives.class);

  private OnnxRuntimeNatives() {}

  /**
   * Points ONNX Runtime at the per-user copy, extracting it first when it is missing; call before
   * the first {@link OrtEnvironment#getEnvironment()}.
   */
  static void useSharedCopy() {
    String platform = platform();
    if (platform == null) {
      return;
    }
    String base = System.getenv("XDG_CACHE_HOME");
    Path cache =
        base != null && !base.isBlank()
            ? Path.of(base)
            : Path.of(System.getProperty("user.home"), ".cache");
    String version = OrtEnvironment.class.getPackage().getImplementationVersion();
    useSharedCopy(
        cache
            .resolve("elm-rlaif")
            .resolve("onnxruntime-" + (version == null ? "unknown" : version))
            .resolve(platform));
  }

  /**
   * {@link #useSharedCopy()} with the copy in {@code folder}: sets {@value #PATH_PROPERTY} to it
   * once both libraries are there, unless the property is set already.
   */
  static synchronized void useSharedCopy(Path folder) {
    if (System.getProperty(PATH_PROPERTY) != null) {
      return;
    }
    try {
      if (extractInto(folder)) {
        System.setProperty(PATH_PROPERTY, folder.toString());
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("ONNX Runtime keeps its own loader ({} not usable: {})", folder, e.toString());
    }
  }

  /**
   * Copies this platform's two libraries from ONNX Runtime's jar into {@code folder}, each through
   * a temporary file and an atomic rename (so a process that reads the folder at the same time sees
   * a whole file or none), unless a file of the same size is there already.
   *
   * @return false when the jar has no libraries for this platform (nothing is written)
   */
  static boolean extractInto(Path folder) throws IOException {
    String platform = platform();
    if (platform == null) {
      return false;
    }
    List<String> names =
        List.of(System.mapLibraryName("onnxruntime"), System.mapLibraryName("onnxruntime4j_jni"));
    ClassLoader loader = OrtEnvironment.class.getClassLoader();
    for (String name : names) {
      if (loader.getResource(resource(platform, name)) == null) {
        return false;
      }
    }
    Files.createDirectories(folder);
    for (String name : names) {
      URL url = loader.getResource(resource(platform, name));
      URLConnection connection = url.openConnection();
      long size = connection.getContentLengthLong();
      Path target = folder.resolve(name);
      if (size >= 0 && Files.isRegularFile(target) && Files.size(target) == size) {
        continue;
      }
      Path temporary = Files.createTempFile(folder, name, ".tmp");
      try (InputStream in = connection.getInputStream()) {
        Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
        Files.move(
            temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temporary);
      }
    }
    return true;
  }

  /** The jar's resource of one library, as ONNX Runtime's loader names it. */
  static String resource(String platform, String library) {
    return "ai/onnxruntime/native/" + platform + "/" + library;
  }

  /** ONNX Runtime's name of this OS and architecture ({@code linux-x64}, ...), or null. */
  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String system =
        os.contains("linux")
            ? "linux"
            : os.contains("mac") || os.contains("darwin")
                ? "osx"
                : os.contains("win") ? "win" : null;
    String machine =
        arch.equals("amd64") || arch.equals("x86_64")
            ? "x64"
            : arch.equals("aarch64") ? "aarch64" : null;
    return system == null || machine == null ? null : system + "-" + machine;
  }
}
