package dev.elmrlaif.rewards.text;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.rewards.InvalidRewardInputException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The built-in text encoder (DESIGN.md §5): TF-IDF over a vocabulary fitted on training texts only,
 * followed by a truncated SVD (latent semantic analysis) to {@code k} dimensions, rows
 * L2-normalised.
 *
 * <pre>
 *   tf(t, d)  = count          or  1 + ln(count)                    (sublinearTf)
 *   idf(t)    = ln((1+n)/(1+df)) + 1   or  ln(n/df) + 1             (smoothIdf)
 *   x(d)      = tf · idf, L2-normalised                             (a row of the document-term matrix X)
 *   X ≈ U Σ Vᵀ  (top k, {@link RandomizedSvd});  E_txt(d) = x(d) · V_k, L2-normalised
 * </pre>
 *
 * A text with no vocabulary word encodes to the zero vector. Instances are immutable and
 * thread-safe; the same texts, config and seed give bit-identical vectors, and {@link #save}/{@link
 * #load} round-trip exactly (the projection is stored and used as float32; idf as JSON doubles,
 * which Jackson round-trips exactly).
 *
 * <p>File format: the 8 ASCII bytes {@code ELMTFSVD}, a big-endian int header length, the UTF-8
 * JSON header ({@link Header}), a big-endian int count, then that many big-endian float32s
 * (vocabulary × k, row-major).
 */
public final class TfidfSvdTextEncoder implements TextEncoder {

  static final byte[] MAGIC = "ELMTFSVD".getBytes(StandardCharsets.US_ASCII);
  static final String FORMAT = "elm-rlaif/tfidf-svd";
  static final int FORMAT_VERSION = 1;
  private static final Logger LOG = LogManager.getLogger(TfidfSvdTextEncoder.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  /** The JSON header of the saved file. */
  record Header(
      String format,
      int version,
      TfidfSvdConfig config,
      int dimension,
      int trainingDocuments,
      List<String> terms,
      double[] idf) {}

  private final TfidfSvdConfig config;
  private final TextTokenizer tokenizer;
  private final int trainingDocuments;
  private final List<String> terms;
  private final Map<String, Integer> termIndex;
  private final double[] idf;
  private final float[] projection;
  private final int dimension;

  private TfidfSvdTextEncoder(
      TfidfSvdConfig config,
      int trainingDocuments,
      List<String> terms,
      double[] idf,
      float[] projection) {
    this.config = config;
    this.tokenizer = config.tokenizer();
    this.trainingDocuments = trainingDocuments;
    this.terms = List.copyOf(terms);
    this.idf = idf;
    this.projection = projection;
    this.dimension = config.dimension();
    Map<String, Integer> index = new HashMap<>(terms.size() * 2);
    for (int i = 0; i < terms.size(); i++) {
      index.put(terms.get(i), i);
    }
    this.termIndex = index;
  }

  /**
   * Fits the vocabulary, idf weights and SVD projection on {@code trainingTexts} (the training
   * split only).
   *
   * @throws InvalidRewardInputException if the texts leave fewer vocabulary terms or documents than
   *     the requested dimension
   */
  public static TfidfSvdTextEncoder fit(List<String> trainingTexts, TfidfSvdConfig config) {
    long start = System.nanoTime();
    TextTokenizer tokenizer = config.tokenizer();
    int n = trainingTexts.size();
    List<List<String>> tokenized = trainingTexts.parallelStream().map(tokenizer::tokenize).toList();
    Map<String, int[]> stats = new HashMap<>(); // term -> {document frequency, total count}
    for (List<String> tokens : tokenized) {
      for (String token : tokens) {
        stats.computeIfAbsent(token, t -> new int[2])[1]++;
      }
      for (String token : new HashSet<>(tokens)) {
        stats.get(token)[0]++;
      }
    }
    List<String> vocabulary = selectVocabulary(stats, n, config);
    if (vocabulary.size() < config.dimension() || n < config.dimension()) {
      throw new InvalidRewardInputException(
          "TF-IDF/SVD encoder: dimension "
              + config.dimension()
              + " needs at least that many training texts and vocabulary terms; found "
              + n
              + " texts and "
              + vocabulary.size()
              + " terms with document frequency in ["
              + config.minDocumentFrequency()
              + ", "
              + config.maxDocumentFraction()
              + " * n]");
    }
    Map<String, Integer> index = new HashMap<>(vocabulary.size() * 2);
    for (int i = 0; i < vocabulary.size(); i++) {
      index.put(vocabulary.get(i), i);
    }
    double[] idf = new double[vocabulary.size()];
    for (int i = 0; i < idf.length; i++) {
      int df = stats.get(vocabulary.get(i))[0];
      idf[i] =
          config.smoothIdf()
              ? Math.log((1.0 + n) / (1.0 + df)) + 1.0
              : Math.log((double) n / df) + 1.0;
    }
    SparseRowMatrix matrix = documentTermMatrix(tokenized, index, idf, config.sublinearTf());
    long svdStart = System.nanoTime();
    RandomizedSvd.Result svd =
        RandomizedSvd.topRightSingularVectors(
            matrix,
            config.dimension(),
            config.oversampling(),
            config.powerIterations(),
            config.seed());
    float[] projection = new float[vocabulary.size() * config.dimension()];
    for (int t = 0; t < vocabulary.size(); t++) {
      for (int c = 0; c < config.dimension(); c++) {
        projection[t * config.dimension() + c] = (float) svd.rightVectors()[t][c];
      }
    }
    TfidfSvdTextEncoder encoder = new TfidfSvdTextEncoder(config, n, vocabulary, idf, projection);
    LOG.info(
        "Fitted {} on {} texts ({} non-zeros) in {} ms (SVD {} ms); top singular values {}",
        encoder.description(),
        n,
        matrix.values().length,
        (System.nanoTime() - start) / 1_000_000,
        (System.nanoTime() - svdStart) / 1_000_000,
        Arrays.toString(
            Arrays.copyOf(svd.singularValues(), Math.min(5, svd.singularValues().length))));
    return encoder;
  }

  /**
   * Terms within the document-frequency bounds, the {@code maxVocabulary} most frequent, sorted by
   * term.
   */
  private static List<String> selectVocabulary(
      Map<String, int[]> stats, int documents, TfidfSvdConfig config) {
    double maxDf = config.maxDocumentFraction() * documents;
    List<Map.Entry<String, int[]>> kept = new ArrayList<>();
    for (Map.Entry<String, int[]> entry : stats.entrySet()) {
      int df = entry.getValue()[0];
      if (df >= config.minDocumentFrequency() && df <= maxDf) {
        kept.add(entry);
      }
    }
    kept.sort(
        (x, y) ->
            x.getValue()[1] != y.getValue()[1]
                ? Integer.compare(y.getValue()[1], x.getValue()[1])
                : x.getKey().compareTo(y.getKey()));
    List<String> vocabulary = new ArrayList<>();
    for (int i = 0; i < Math.min(kept.size(), config.maxVocabulary()); i++) {
      vocabulary.add(kept.get(i).getKey());
    }
    vocabulary.sort(null);
    return vocabulary;
  }

  private static SparseRowMatrix documentTermMatrix(
      List<List<String>> tokenized, Map<String, Integer> index, double[] idf, boolean sublinearTf) {
    List<SparseVector> rows =
        tokenized.parallelStream().map(tokens -> weigh(tokens, index, idf, sublinearTf)).toList();
    int[] rowStart = new int[rows.size() + 1];
    for (int d = 0; d < rows.size(); d++) {
      rowStart[d + 1] = rowStart[d] + rows.get(d).indices().length;
    }
    int[] columns = new int[rowStart[rows.size()]];
    double[] values = new double[columns.length];
    for (int d = 0; d < rows.size(); d++) {
      System.arraycopy(
          rows.get(d).indices(), 0, columns, rowStart[d], rows.get(d).indices().length);
      System.arraycopy(rows.get(d).values(), 0, values, rowStart[d], rows.get(d).values().length);
    }
    return new SparseRowMatrix(tokenized.size(), idf.length, rowStart, columns, values);
  }

  /** A sparse vector: ascending term indices and their weights. */
  record SparseVector(int[] indices, double[] values) {}

  /** The L2-normalised TF-IDF vector of a token list; tokens outside the vocabulary are ignored. */
  private static SparseVector weigh(
      List<String> tokens, Map<String, Integer> index, double[] idf, boolean sublinearTf) {
    int[] ids = new int[tokens.size()];
    int known = 0;
    for (String token : tokens) {
      Integer id = index.get(token);
      if (id != null) {
        ids[known++] = id;
      }
    }
    Arrays.sort(ids, 0, known);
    int distinct = 0;
    for (int i = 0; i < known; i++) {
      if (i == 0 || ids[i] != ids[i - 1]) {
        distinct++;
      }
    }
    int[] indices = new int[distinct];
    double[] values = new double[distinct];
    int slot = -1;
    for (int i = 0; i < known; i++) {
      if (i == 0 || ids[i] != ids[i - 1]) {
        indices[++slot] = ids[i];
      }
      values[slot] += 1.0;
    }
    double squaredNorm = 0.0;
    for (int i = 0; i < distinct; i++) {
      double tf = sublinearTf ? 1.0 + Math.log(values[i]) : values[i];
      values[i] = tf * idf[indices[i]];
      squaredNorm += values[i] * values[i];
    }
    if (squaredNorm > 0) {
      double inverse = 1.0 / Math.sqrt(squaredNorm);
      for (int i = 0; i < distinct; i++) {
        values[i] *= inverse;
      }
    }
    return new SparseVector(indices, values);
  }

  /** The L2-normalised TF-IDF vector of a text (before the SVD projection); exposed for tests. */
  SparseVector tfidf(String text) {
    return weigh(tokenizer.tokenize(text), termIndex, idf, config.sublinearTf());
  }

  @Override
  public float[] encode(String text) {
    SparseVector x = tfidf(text);
    double[] out = new double[dimension];
    for (int i = 0; i < x.indices().length; i++) {
      double w = x.values()[i];
      int base = x.indices()[i] * dimension;
      for (int c = 0; c < dimension; c++) {
        out[c] += w * projection[base + c];
      }
    }
    double squaredNorm = 0.0;
    for (double v : out) {
      squaredNorm += v * v;
    }
    float[] result = new float[dimension];
    if (squaredNorm > 0) {
      double inverse = 1.0 / Math.sqrt(squaredNorm);
      for (int c = 0; c < dimension; c++) {
        result[c] = (float) (out[c] * inverse);
      }
    }
    return result;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  /** The fitted vocabulary, sorted. */
  public List<String> terms() {
    return terms;
  }

  public TfidfSvdConfig config() {
    return config;
  }

  @Override
  public String description() {
    return "tfidf-svd(k="
        + dimension
        + ", vocabulary="
        + terms.size()
        + ", trainingTexts="
        + trainingDocuments
        + ", seed="
        + config.seed()
        + ", powerIterations="
        + config.powerIterations()
        + ", sublinearTf="
        + config.sublinearTf()
        + ", smoothIdf="
        + config.smoothIdf()
        + ", stopWords="
        + config.removeStopWords()
        + ", minDf="
        + config.minDocumentFrequency()
        + ")";
  }

  @Override
  public void save(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path folder = absolute.getParent();
    Files.createDirectories(folder);
    Path temporary = Files.createTempFile(folder, absolute.getFileName().toString(), ".tmp");
    try {
      try (OutputStream raw = Files.newOutputStream(temporary);
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
        byte[] header =
            JSON.writeValueAsBytes(
                new Header(
                    FORMAT, FORMAT_VERSION, config, dimension, trainingDocuments, terms, idf));
        out.write(MAGIC);
        out.writeInt(header.length);
        out.write(header);
        out.writeInt(projection.length);
        for (float value : projection) {
          out.writeFloat(value);
        }
      }
      Files.move(
          temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Reads an encoder written by {@link #save}.
   *
   * @throws InvalidRewardInputException naming the file and what is wrong (magic, header key, size)
   */
  public static TfidfSvdTextEncoder load(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new InvalidRewardInputException(
            file
                + ": not a TF-IDF/SVD encoder file: expected the first "
                + "8 bytes to be 'ELMTFSVD', found '"
                + new String(magic, StandardCharsets.ISO_8859_1)
                + "'");
      }
      int headerLength = in.readInt();
      if (headerLength <= 0 || headerLength > 1 << 30) {
        throw new InvalidRewardInputException(
            file
                + ": header length "
                + headerLength
                + " is out of range (expected 1 .. 2^30 bytes)");
      }
      byte[] headerBytes = new byte[headerLength];
      in.readFully(headerBytes);
      Header header;
      try {
        header = JSON.readValue(headerBytes, Header.class);
      } catch (IOException | IllegalArgumentException e) {
        throw new InvalidRewardInputException(
            file + ": malformed JSON header: " + e.getMessage(), e);
      }
      validate(file, header);
      int count = in.readInt();
      int expected = header.terms().size() * header.dimension();
      if (count != expected) {
        throw new InvalidRewardInputException(
            file
                + ": projection has "
                + count
                + " floats, expected "
                + expected
                + " (vocabulary "
                + header.terms().size()
                + " x dimension "
                + header.dimension()
                + ")");
      }
      float[] projection = new float[count];
      for (int i = 0; i < count; i++) {
        projection[i] = in.readFloat();
      }
      if (in.read() != -1) {
        throw new InvalidRewardInputException(
            file + ": unexpected bytes after the " + count + " projection floats");
      }
      return new TfidfSvdTextEncoder(
          header.config(), header.trainingDocuments(), header.terms(), header.idf(), projection);
    } catch (EOFException e) {
      throw new InvalidRewardInputException(file + ": truncated TF-IDF/SVD encoder file", e);
    }
  }

  private static void validate(Path file, Header header) {
    TextEncoders.requireFormat(
        file, "header key", header.format(), header.version(), FORMAT, FORMAT_VERSION);
    if (header.config() == null || header.terms() == null || header.idf() == null) {
      throw new InvalidRewardInputException(
          file + ": header lacks one of the keys 'config', 'terms', 'idf'");
    }
    if (header.idf().length != header.terms().size()) {
      throw new InvalidRewardInputException(
          file
              + ": header key 'idf' has "
              + header.idf().length
              + " values, expected one per term ("
              + header.terms().size()
              + ")");
    }
    if (header.dimension() != header.config().dimension()) {
      throw new InvalidRewardInputException(
          file
              + ": header key 'dimension' is "
              + header.dimension()
              + " but config.dimension is "
              + header.config().dimension());
    }
  }
}
