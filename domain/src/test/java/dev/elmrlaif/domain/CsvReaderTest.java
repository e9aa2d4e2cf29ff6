package dev.elmrlaif.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.domain.base.UserInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void readsCrlfQuotedCommasDoubledQuotesUnicodeAndMultilineFields() throws IOException {
    Path file =
        write(
            "movies.csv",
            "\uFEFFmovieId,title,genres\r\n"
                + "11,\"American President, The (1995)\",Comedy|Drama|Romance\r\n"
                + "12,\"Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb (1964)\",Comedy\r\n"
                + "\r\n"
                + "13,\"Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)\",Comedy|Romance\r\n"
                + "14,\"He said \"\"hi\"\"\r\nand left\",Drama\r\n"
                + "15,Plain,\r\n");
    try (CsvReader csv = CsvReader.open(file)) {
      assertEquals(List.of("movieId", "title", "genres"), csv.header());
      int title = csv.column("title");
      CsvReader.Row row = csv.next();
      assertEquals(11, row.integer(csv.column("movieId")));
      assertEquals("American President, The (1995)", row.get(title));
      assertEquals("Comedy|Drama|Romance", row.get(csv.column("genres")));
      assertEquals(2, row.lineNumber());
      row = csv.next();
      assertEquals(3, row.lineNumber());
      row = csv.next();
      assertEquals("Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)", row.get(title));
      assertEquals(5, row.lineNumber(), "the blank line 4 is skipped but counted");
      row = csv.next();
      assertEquals("He said \"hi\"\nand left", row.get(title), "CRLF inside quotes becomes LF");
      assertEquals(6, row.lineNumber());
      row = csv.next();
      assertEquals(8, row.lineNumber(), "the quoted line break advanced the line count");
      assertEquals("", row.get(2));
      assertNull(csv.next());
    }
  }

  @Test
  void wrongFieldCountNamesFileAndLine() throws IOException {
    Path file =
        write("ratings.csv", "userId,movieId,rating,timestamp\r\n1,1,4.0,964982703\r\n1,3,4.0\r\n");
    try (CsvReader csv = CsvReader.open(file)) {
      csv.next();
      UserInputException e = assertThrows(UserInputException.class, csv::next);
      assertTrue(
          e.getMessage().startsWith(file + ":3: found 3 fields, expected 4"), e.getMessage());
    }
  }

  @Test
  void badNumberNamesLineColumnAndExpectation() throws IOException {
    Path file = write("ratings.csv", "userId,movieId,rating,timestamp\n1,1,four,964982703\n");
    try (CsvReader csv = CsvReader.open(file)) {
      CsvReader.Row row = csv.next();
      UserInputException e =
          assertThrows(UserInputException.class, () -> row.decimal(csv.column("rating")));
      assertEquals(
          file + ":2: column 3 (rating): found 'four', expected a finite decimal number",
          e.getMessage());
    }
  }

  @Test
  void unterminatedQuoteAndTextAfterQuoteAreErrors() throws IOException {
    Path open = write("a.csv", "id,title\n1,\"never closed\n2,x\n");
    try (CsvReader csv = CsvReader.open(open)) {
      UserInputException e = assertThrows(UserInputException.class, csv::next);
      assertTrue(
          e.getMessage().contains(open + ":2: a quoted field is never closed"), e.getMessage());
    }
    Path after = write("b.csv", "id,title\n1,\"Heat\" (1995)\n");
    try (CsvReader csv = CsvReader.open(after)) {
      UserInputException e = assertThrows(UserInputException.class, csv::next);
      assertTrue(
          e.getMessage().contains(after + ":2: column 2: found ' ' after a closing quote"),
          e.getMessage());
    }
  }

  @Test
  void missingColumnFileAndInvalidUtf8AreUserErrors() throws IOException {
    Path file = write("links.csv", "movieId,imdbId\n1,0114709\n");
    try (CsvReader csv = CsvReader.open(file)) {
      UserInputException e = assertThrows(UserInputException.class, () -> csv.column("tmdbId"));
      assertEquals(
          file + ":1: missing column 'tmdbId'; the header has [movieId, imdbId]", e.getMessage());
    }
    UserInputException missing =
        assertThrows(UserInputException.class, () -> CsvReader.open(dir.resolve("nope.csv")));
    assertTrue(missing.getMessage().contains("nope.csv: file not found"));
    Path latin1 = dir.resolve("latin1.csv");
    Files.write(latin1, new byte[] {'i', 'd', '\n', '1', (byte) 0xE9, '\n'});
    UserInputException encoding =
        assertThrows(
            UserInputException.class,
            () -> {
              try (CsvReader csv = CsvReader.open(latin1)) {
                csv.next();
              }
            });
    assertEquals(
        latin1 + ":2: byte 0xe9 (byte offset 4) is not UTF-8; expected UTF-8 text",
        encoding.getMessage());
  }

  @Test
  @org.junit.jupiter.api.Tag("reliability")
  void aBadByteFarDownIsReportedOnItsOwnLineCountedInLinesOfTheFile() throws IOException {
    // records with line breaks in quoted fields (records != lines), and the bad byte beyond the
    // reader's first 64 Ki characters (it decodes ahead of the parser)
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    bytes.writeBytes("id,text\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    for (int i = 0; i < 6000; i++) {
      bytes.writeBytes(
          (i + ",\"first line of " + i + "\nsecond line\"\n")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    bytes.writeBytes("6000,caf".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    bytes.write(0xE9);
    bytes.writeBytes("\n6001,ok\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Path file = dir.resolve("far.csv");
    Files.write(file, bytes.toByteArray());
    UserInputException e =
        assertThrows(
            UserInputException.class,
            () -> {
              try (CsvReader csv = CsvReader.open(file)) {
                while (csv.next() != null) {
                  // read every record
                }
              }
            });
    assertTrue(e.getMessage().startsWith(file + ":12002: byte 0xe9 (byte offset "), e.getMessage());
  }
}
