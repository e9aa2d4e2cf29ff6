package dev.elmrlaif.policy.io;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link Safetensors#read} returns: the tensors by name, in the file's header order, and the
 * file's {@code __metadata__} string map. The arrays belong to the manager passed to {@code read};
 * closing that manager frees them.
 *
 * @param tensors named arrays in header order
 * @param metadata the {@code __metadata__} map, empty when the file has none (unmodifiable)
 */
public record SafetensorsContent(
    LinkedHashMap<String, NDArray> tensors, Map<String, String> metadata) {}
