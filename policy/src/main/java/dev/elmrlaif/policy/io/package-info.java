/**
 * Tensor files. {@link dev.elmrlaif.policy.io.Safetensors} reads and writes the Hugging Face
 * safetensors format, the one format the project uses for model checkpoints, optimizer state and
 * pretrained GPT-2 weights:
 *
 * <pre>{@code
 * SafetensorsContent loaded = Safetensors.read(path, manager);          // names in header order
 * Safetensors.write(path, elm.parameters(), Map.of("format", "pt"));    // atomic replace
 * SafetensorsHeader header = Safetensors.readHeader(path);              // shapes without data
 * }</pre>
 *
 * Malformed files raise {@link dev.elmrlaif.policy.io.SafetensorsFormatException}, whose message
 * starts with the file's path.
 */
package dev.elmrlaif.policy.io;
