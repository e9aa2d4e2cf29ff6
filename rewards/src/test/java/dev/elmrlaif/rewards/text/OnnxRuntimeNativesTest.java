package dev.elmrlaif.rewards.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime's libraries are extracted once into a folder and read from there, and a JVM that
 * loads ONNX Runtime that way leaves no {@code onnxruntime-java*} folder in its temporary folder,
 * where ORT's own loader leaves one ({@link OnnxRuntimeNatives}).
 */
class OnnxRuntimeNativesTest {
  @TempDir Path dir;

  private static List<String> libraries() {
    return List.of(
        System.mapLibraryName("onnxruntime"), System.mapLibraryName("onnxruntime4j_jni"));
  }

  private static byte[] resource(String library) throws IOException {
    String name = OnnxRuntimeNatives.resource(OnnxRuntimeNatives.platform(), library);
    try (InputStream in = OnnxRuntimeNatives.class.getClassLoader().getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void bothLibrariesAreCopiedOnceAndATruncatedCopyIsReplaced() throws IOException {
    Path folder = dir.resolve("copy");
    assertTrue(OnnxRuntimeNatives.extractInto(folder), "this platform's libraries are in the jar");
    for (String library : libraries()) {
      assertArrayEquals(resource(library), Files.readAllBytes(folder.resolve(library)), library);
      Files.setLastModifiedTime(folder.resolve(library), FileTime.fromMillis(0));
    }
    // a second process finds the copy and writes nothing
    assertTrue(OnnxRuntimeNatives.extractInto(folder));
    for (String library : libraries()) {
      assertEquals(FileTime.fromMillis(0), Files.getLastModifiedTime(folder.resolve(library)));
    }
    // a copy cut short is written again
    Path jni = folder.resolve(libraries().get(1));
    Files.write(jni, new byte[10]);
    assertTrue(OnnxRuntimeNatives.extractInto(folder));
    assertArrayEquals(resource(libraries().get(1)), Files.readAllBytes(jni));
    try (Stream<Path> files = Files.list(folder)) {
      assertEquals(2, files.count(), "no temporary file is left beside the libraries");
    }
  }

  @Test
  void aJvmLoadingTheSharedCopyLeavesNoTemporaryFolder() throws Exception {
    // ORT 1.20's own loader leaves one empty folder per JVM, the reason for OnnxRuntimeNatives;
    // if this count becomes 0, a later ORT has fixed it and the class can go
    assertEquals(1, foldersLeftBy("plain"));
    assertEquals(0, foldersLeftBy("shared"));
  }

  /** How many onnxruntime-java* folders a child JVM leaves in its own temporary folder. */
  private long foldersLeftBy(String mode) throws Exception {
    Path tmp = Files.createDirectory(dir.resolve("tmp-" + mode));
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + tmp,
                LoadOnnxRuntime.class.getName(),
                mode,
                dir.resolve("copy-" + mode).toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, child.waitFor(), mode + ": " + output);
    assertTrue(output.contains("loaded"), output);
    try (Stream<Path> left = Files.list(tmp)) {
      return left.filter(f -> f.getFileName().toString().startsWith("onnxruntime-java")).count();
    }
  }
}
