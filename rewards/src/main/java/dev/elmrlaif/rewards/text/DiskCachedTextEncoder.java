package dev.elmrlaif.rewards.text;

import dev.elmrlaif.rewards.InvalidRewardInputException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A {@link TextEncoder} over any other, keeping every encoding on disk, keyed by the encoder's
 * identity ({@link TextEncoders#identity}: the hash of its saved form, so a refitted or upgraded
 * encoder never reads another's vectors) and the SHA-256 of the text. Preparing a dataset a second
 * time, or scoring the same teacher texts in another run, then costs a file read instead of a
 * transformer pass.
 *
 * <p>Layout: {@code <root>/<first 16 hex digits of the identity>/} holds {@code encoder.txt} (the
 * description, for people) and segment files {@code *.seg}, each written once to a temporary name
 * and renamed (atomic), each ending with the SHA-256 of its bytes. A call that encodes new texts
 * writes one segment with them; when more than {@value #SMALL_SEGMENTS} segments of under {@value
 * #SMALL_RECORDS} records pile up they are merged into one. On opening, every segment is read and
 * checked (magic, format, identity, dimension, length, checksum): one that fails (truncated,
 * corrupt, from another encoder) is deleted with a warning and its texts are encoded again when
 * asked for, so a damaged cache costs time, never a crash or a wrong vector. A segment that cannot
 * be written is logged and skipped: the vectors are still returned.
 *
 * <p>{@link #withoutWrites} is a view that answers from the same vectors but keeps and writes
 * nothing new: for sampled completions (RL rewards, evaluated generations), each encoded once and
 * never asked for again. Written through, they grew the cache of one machine to 340,000 texts (510
 * MB on disk, all of it held in memory by every later run) after a few recipe runs.
 *
 * <p>The segments are read on the first call that encodes (or asks the size), not when the cache is
 * opened. Thread-safe; several processes may share a folder (segment names are unique, a merge
 * deletes only segments this instance read or wrote). All cached vectors are held in memory (about
 * 1.6 KB per text at 384-d).
 */
public final class DiskCachedTextEncoder implements TextEncoder {

  static final byte[] MAGIC = "ELMENCS1".getBytes(StandardCharsets.US_ASCII);
  static final String SUFFIX = ".seg";
  static final int SMALL_RECORDS = 4096;
  static final int SMALL_SEGMENTS = 32;
  private static final int HASH_BYTES = 32;
  private static final Logger LOG = LogManager.getLogger(DiskCachedTextEncoder.class);

  private final TextEncoder delegate;
  private final String identity;
  private final byte[] identityBytes;
  private final Path folder;
  private final Map<String, float[]> vectors = new ConcurrentHashMap<>();

  /** Segments this instance has read or written, with their record counts. */
  private final Map<Path, Integer> segments = new LinkedHashMap<>();

  private final Object writeLock = new Object();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong writeFailures = new AtomicLong();
  private int recovered;
  private volatile boolean read;

  /**
   * Opens (creating it if needed) the cache of {@code delegate}'s encodings under {@code root}; its
   * valid segments are read on first use.
   *
   * @throws UncheckedIOException if the folder cannot be created
   */
  public DiskCachedTextEncoder(TextEncoder delegate, Path root) {
    if (delegate instanceof DiskCachedTextEncoder) {
      throw new InvalidRewardInputException(
          "DiskCachedTextEncoder: the encoder is already disk-cached");
    }
    this.delegate = delegate;
    this.identity = TextEncoders.identity(delegate);
    this.identityBytes = HexFormat.of().parseHex(identity);
    this.folder = root.resolve(identity.substring(0, 16));
    try {
      Files.createDirectories(folder);
      Path about = folder.resolve("encoder.txt");
      if (!Files.isRegularFile(about)) {
        TextEncoders.writeAtomically(
            about,
            (delegate.description()
                    + System.lineSeparator()
                    + "identity "
                    + identity
                    + System.lineSeparator())
                .getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the encoding cache folder " + folder, e);
    }
  }

  /**
   * Reads every segment, once, before the first lookup (an encoder never asked to encode reads
   * nothing).
   */
  private void ensureRead() {
    if (read) {
      return;
    }
    synchronized (writeLock) {
      if (read) {
        return;
      }
      long start = System.nanoTime();
      for (Path segment : listSegments()) {
        readSegment(segment);
      }
      if (!vectors.isEmpty() || recovered > 0) {
        LOG.info(
            "encoding cache {}: {} texts in {} segments read in {} s{}",
            folder,
            vectors.size(),
            segments.size(),
            String.format(java.util.Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9),
            recovered > 0 ? ", " + recovered + " damaged segment(s) deleted" : "");
      }
      read = true;
    }
  }

  @Override
  public int dimension() {
    return delegate.dimension();
  }

  @Override
  public float[] encode(String text) {
    return encode(java.util.Collections.singletonList(text))[0];
  }

  /**
   * Looks every text up; the distinct missing ones are encoded in one call of the wrapped encoder
   * and stored.
   */
  @Override
  public float[][] encode(List<String> texts) {
    return encode(texts, true);
  }

  /**
   * This cache, answering from the vectors it holds and keeping nothing new: a text it does not
   * hold is encoded by the wrapped encoder each time it is asked for, neither held nor written. For
   * texts that are each encoded once, such as sampled completions.
   */
  public TextEncoder withoutWrites() {
    DiskCachedTextEncoder cache = this;
    return new TextEncoder() {
      @Override
      public int dimension() {
        return cache.dimension();
      }

      @Override
      public float[] encode(String text) {
        return encode(java.util.Collections.singletonList(text))[0];
      }

      @Override
      public float[][] encode(List<String> texts) {
        return cache.encode(texts, false);
      }

      @Override
      public String description() {
        return cache.description();
      }

      @Override
      public void save(Path file) throws IOException {
        cache.save(file);
      }
    };
  }

  private float[][] encode(List<String> texts, boolean keep) {
    ensureRead();
    float[][] rows = new float[texts.size()][];
    String[] keys = new String[rows.length];
    Map<String, String> missing = new LinkedHashMap<>(); // key -> text
    for (int i = 0; i < rows.length; i++) {
      String text = texts.get(i) == null ? "" : texts.get(i);
      keys[i] = textKey(text);
      float[] cached = vectors.get(keys[i]);
      if (cached != null) {
        rows[i] = cached.clone();
        hits.incrementAndGet();
      } else {
        missing.putIfAbsent(keys[i], text);
      }
    }
    if (missing.isEmpty()) {
      return rows;
    }
    misses.addAndGet(missing.size());
    List<String> missingKeys = new ArrayList<>(missing.keySet());
    float[][] fresh = delegate.encode(new ArrayList<>(missing.values()));
    Map<String, float[]> added = new LinkedHashMap<>();
    for (int j = 0; j < fresh.length; j++) {
      if (fresh[j].length != dimension()) {
        throw new IllegalStateException(
            delegate.description()
                + " returned a vector of length "
                + fresh[j].length
                + ", expected "
                + dimension());
      }
      added.put(missingKeys.get(j), fresh[j].clone());
    }
    if (keep) {
      vectors.putAll(added);
    }
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null) {
        rows[i] = added.get(keys[i]).clone();
      }
    }
    if (keep) {
      store(added);
    }
    return rows;
  }

  /** Texts answered from the cache so far (each occurrence counts). */
  public long hits() {
    return hits.get();
  }

  /** Distinct texts the wrapped encoder had to encode so far. */
  public long misses() {
    return misses.get();
  }

  /** Damaged segments found and deleted when this cache was opened. */
  public int recoveredSegments() {
    ensureRead();
    return recovered;
  }

  /** Segments that could not be written (their vectors were still returned). */
  public long writeFailures() {
    return writeFailures.get();
  }

  /** Texts held. */
  public int size() {
    ensureRead();
    return vectors.size();
  }

  /** This encoder's cache folder. */
  public Path folder() {
    return folder;
  }

  /** The wrapped encoder. */
  public TextEncoder delegate() {
    return delegate;
  }

  @Override
  public String description() {
    return delegate.description();
  }

  /** Saves the wrapped encoder (the cache stays where it is). */
  @Override
  public void save(Path file) throws IOException {
    delegate.save(file);
  }

  private static String textKey(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  private List<Path> listSegments() {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
      stream.forEach(found::add);
    } catch (IOException e) {
      LOG.warn(
          "encoding cache {}: cannot list the segments ({}); starting empty",
          folder,
          e.getMessage());
    }
    found.sort(null);
    return found;
  }

  /** Reads one segment into {@link #vectors}; a damaged one is deleted with a warning. */
  private void readSegment(Path segment) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(segment);
    } catch (NoSuchFileException e) {
      return; // merged away by another process meanwhile
    } catch (IOException e) {
      LOG.warn(
          "encoding cache: cannot read {} ({}); its texts will be encoded again",
          segment,
          e.getMessage());
      return;
    }
    String problem = null;
    Map<String, float[]> records = new LinkedHashMap<>();
    try {
      problem = parse(bytes, records);
    } catch (RuntimeException e) {
      problem = "unreadable (" + e + ")";
    }
    if (problem != null) {
      recovered++;
      LOG.warn(
          "encoding cache: {} is {}; deleting it, its texts will be encoded again",
          segment,
          problem);
      try {
        Files.deleteIfExists(segment);
      } catch (IOException e) {
        LOG.warn("encoding cache: cannot delete {} ({})", segment, e.getMessage());
      }
      return;
    }
    records.forEach(vectors::putIfAbsent);
    segments.put(segment, records.size());
  }

  /**
   * Parses a segment into {@code records}; returns what is wrong with it, or null when it is sound.
   */
  private String parse(byte[] bytes, Map<String, float[]> records) {
    int header = MAGIC.length + HASH_BYTES + 4 + 4;
    if (bytes.length < header + HASH_BYTES) {
      return "truncated (" + bytes.length + " bytes)";
    }
    if (!Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      return "not a segment (bad magic)";
    }
    byte[] expectedSum = sha256(bytes, 0, bytes.length - HASH_BYTES);
    if (!Arrays.equals(
        expectedSum, Arrays.copyOfRange(bytes, bytes.length - HASH_BYTES, bytes.length))) {
      return "corrupt or truncated (checksum mismatch)";
    }
    ByteBuffer in =
        ByteBuffer.wrap(bytes, 0, bytes.length - HASH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    in.position(MAGIC.length);
    byte[] owner = new byte[HASH_BYTES];
    in.get(owner);
    if (!Arrays.equals(owner, identityBytes)) {
      return "from another encoder (identity " + HexFormat.of().formatHex(owner) + ")";
    }
    int dimension = in.getInt();
    int count = in.getInt();
    if (dimension != dimension() || count < 0) {
      return "of dimension "
          + dimension
          + " with "
          + count
          + " records, expected dimension "
          + dimension();
    }
    long expectedLength = (long) header + (long) count * (HASH_BYTES + 4L * dimension) + HASH_BYTES;
    if (bytes.length != expectedLength) {
      return "of the wrong length (" + bytes.length + " bytes, expected " + expectedLength + ")";
    }
    byte[] key = new byte[HASH_BYTES];
    for (int r = 0; r < count; r++) {
      in.get(key);
      float[] vector = new float[dimension];
      in.asFloatBuffer().get(vector);
      in.position(in.position() + 4 * dimension);
      records.put(HexFormat.of().formatHex(key), vector);
    }
    return null;
  }

  /**
   * Writes {@code added} as a new segment, then merges small segments when too many have piled up.
   */
  private void store(Map<String, float[]> added) {
    synchronized (writeLock) {
      try {
        Path segment = writeSegment(added);
        segments.put(segment, added.size());
        mergeSmallSegments();
      } catch (IOException | UncheckedIOException e) {
        writeFailures.incrementAndGet();
        LOG.warn(
            "encoding cache {}: cannot write {} encodings ({}); they are not cached",
            folder,
            added.size(),
            e.getMessage());
      }
    }
  }

  private void mergeSmallSegments() throws IOException {
    List<Path> small = new ArrayList<>();
    segments.forEach(
        (path, count) -> {
          if (count < SMALL_RECORDS) {
            small.add(path);
          }
        });
    if (small.size() <= SMALL_SEGMENTS) {
      return;
    }
    Map<String, float[]> merged = new LinkedHashMap<>();
    for (Path path : small) {
      Map<String, float[]> records = new LinkedHashMap<>();
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(path);
      } catch (NoSuchFileException e) {
        segments.remove(path);
        continue;
      }
      if (parse(bytes, records) == null) {
        merged.putAll(records);
      }
    }
    Path target = writeSegment(merged);
    segments.put(target, merged.size());
    for (Path path : small) {
      Files.deleteIfExists(path);
      segments.remove(path);
    }
  }

  private Path writeSegment(Map<String, float[]> records) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      out.write(MAGIC);
      out.write(identityBytes);
      ByteBuffer numbers = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      numbers.putInt(dimension()).putInt(records.size());
      out.write(numbers.array());
      ByteBuffer row = ByteBuffer.allocate(4 * dimension()).order(ByteOrder.LITTLE_ENDIAN);
      for (Map.Entry<String, float[]> record : records.entrySet()) {
        out.write(HexFormat.of().parseHex(record.getKey()));
        row.clear();
        row.asFloatBuffer().put(record.getValue());
        out.write(row.array());
      }
    }
    byte[] body = buffer.toByteArray();
    byte[] sum = sha256(body, 0, body.length);
    byte[] bytes = Arrays.copyOf(body, body.length + sum.length);
    System.arraycopy(sum, 0, bytes, body.length, sum.length);
    String name =
        String.format(
            java.util.Locale.ROOT,
            "%016x-%08x%s",
            System.currentTimeMillis(),
            java.util.concurrent.ThreadLocalRandom.current().nextInt(),
            SUFFIX);
    Path segment = folder.resolve(name);
    TextEncoders.writeAtomically(segment, bytes);
    return segment;
  }

  private static byte[] sha256(byte[] bytes, int offset, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(bytes, offset, length);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
