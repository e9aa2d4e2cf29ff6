package dev.elmrlaif.policy.io;

import java.nio.file.Path;
import java.util.Map;

/**
 * A parsed and validated safetensors header: every tensor's entry in header order, the free-form
 * {@code __metadata__} string map, and where the data section starts in the file. Reading only the
 * header lets callers check names and shapes (for example a GPT-2 checkpoint's layer count) before
 * loading gigabytes of weights.
 *
 * @param file the file the header was read from
 * @param tensors entries by tensor name, in the order the header lists them (unmodifiable)
 * @param metadata the {@code __metadata__} map, empty when the file has none (unmodifiable)
 * @param dataStart absolute file position of the data section (8 + header length)
 */
public record SafetensorsHeader(
    Path file, Map<String, TensorEntry> tensors, Map<String, String> metadata, long dataStart) {}
