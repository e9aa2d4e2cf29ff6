package dev.elmrlaif.rewards.text;

import dev.elmrlaif.rewards.InvalidRewardInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Entry points around {@link TextEncoder}: reading any saved encoder back, and the semantic embedding of an
 * entity as the mean of the encoder over its texts (DESIGN.md §6, "Semantic embeddings").
 */
public final class TextEncoders {

    private TextEncoders() {}

    /**
     * Reads an encoder saved by {@link TextEncoder#save}, whatever its kind.
     *
     * @throws InvalidRewardInputException if the file is missing or is not a saved encoder
     */
    public static TextEncoder load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidRewardInputException(file + ": no such encoder file");
        }
        byte[] start = new byte[TfidfSvdTextEncoder.MAGIC.length];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(start, 0, start.length);
        }
        if (read == start.length && Arrays.equals(start, TfidfSvdTextEncoder.MAGIC)) {
            return TfidfSvdTextEncoder.load(file);
        }
        if (read > 0 && start[0] == '{') {
            return DjlSentenceEncoder.loadDescriptor(file);
        }
        throw new InvalidRewardInputException(file + ": not a saved text encoder: expected a TF-IDF/SVD file "
                + "(starting with 'ELMTFSVD') or a DJL sentence-encoder descriptor (a JSON object)");
    }

    /**
     * The semantic embedding of an entity: the mean of {@code encoder} over its texts. Texts that encode to the
     * zero vector (empty, or no known word) are left out of the mean so they do not shrink it; if every text
     * is like that, the result is the zero vector, which the rewards treat as "no signal".
     *
     * @throws InvalidRewardInputException if {@code texts} is empty
     */
    public static float[] meanEmbedding(TextEncoder encoder, List<String> texts) {
        if (texts.isEmpty()) {
            throw new InvalidRewardInputException("meanEmbedding: an entity needs at least one text, found none");
        }
        double[] sum = new double[encoder.dimension()];
        int counted = 0;
        for (float[] row : encoder.encode(texts)) {
            boolean nonZero = false;
            for (float value : row) {
                if (value != 0f) {
                    nonZero = true;
                    break;
                }
            }
            if (nonZero) {
                for (int c = 0; c < sum.length; c++) {
                    sum[c] += row[c];
                }
                counted++;
            }
        }
        float[] mean = new float[sum.length];
        for (int c = 0; c < sum.length && counted > 0; c++) {
            mean[c] = (float) (sum[c] / counted);
        }
        return mean;
    }
}
