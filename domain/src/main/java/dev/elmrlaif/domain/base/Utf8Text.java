package dev.elmrlaif.domain.base;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Text files that must be UTF-8 (configs, CSV and JSON-lines data): where one is not, names the
 * line (counted in lines of the file, from 1) and the byte, instead of Java's bare "Input length =
 * 1" or the line a reader that decodes ahead had reached.
 */
public final class Utf8Text {
  private Utf8Text() {}

  /** The first byte that is not UTF-8: its line (from 1), its byte offset and its value. */
  public record Malformed(long line, long offset, int value) {
    /** {@code byte 0xd6 (byte offset 8) is not UTF-8}. */
    public String describe() {
      return (value < 0
              ? "an incomplete UTF-8 sequence at the end"
              : String.format(Locale.ROOT, "byte 0x%02x", value))
          + " (byte offset "
          + offset
          + ") is not UTF-8";
    }
  }

  /**
   * The file's text.
   *
   * @param expected what the file should be, e.g. "a YAML config", for the message
   * @throws UserInputException naming the file, the line and the byte that is not UTF-8
   */
  public static String read(Path file, String expected) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      return decoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      Malformed bad = firstMalformed(file).orElseThrow(() -> e);
      throw new UserInputException(
          file
              + ", line "
              + bad.line()
              + ": "
              + bad.describe()
              + "; expected "
              + expected
              + " in UTF-8");
    }
  }

  /**
   * Finds the first byte of {@code file} that is not UTF-8, reading it as a stream; empty when all
   * are.
   */
  public static Optional<Malformed> firstMalformed(Path file) throws IOException {
    CharsetDecoder decoder = decoder();
    ByteBuffer in = ByteBuffer.allocate(1 << 16);
    in.limit(0); // read mode: position..limit are the bytes not decoded yet
    CharBuffer out = CharBuffer.allocate(1 << 16);
    long consumed = 0; // bytes before in's start
    long line = 1;
    try (InputStream stream = Files.newInputStream(file)) {
      boolean end = false;
      while (true) {
        int n = end ? -1 : stream.read(in.array(), in.limit(), in.capacity() - in.limit());
        if (n < 0) {
          end = true;
        } else {
          in.limit(in.limit() + n);
        }
        int before = in.position();
        CoderResult result = decoder.decode(in, out, end);
        for (int i = before; i < in.position(); i++) {
          if (in.get(i) == '\n') {
            line++;
          }
        }
        if (result.isError()) {
          long offset = consumed + in.position();
          int value = in.position() < in.limit() ? in.get(in.position()) & 0xff : -1;
          return Optional.of(new Malformed(line, offset, value));
        }
        out.clear();
        if (end && !in.hasRemaining()) {
          return Optional.empty();
        }
        consumed += in.position();
        in.compact();
        in.flip();
        if (end && result.isUnderflow()) {
          return Optional.of(new Malformed(line, consumed, -1));
        }
      }
    }
  }

  private static CharsetDecoder decoder() {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }
}
