package dev.elmrlaif.policy.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Trains a byte-level BPE vocabulary (GPT-2 style) from raw texts.
 *
 * <p>The algorithm, all in {@link #train(Iterable)}:
 *
 * <ol>
 *   <li>Remove special tokens from the texts, split the rest with {@link Gpt2PreTokenizer} and
 *       count each distinct piece ("word"). BPE never merges across pieces, so only the
 *       word-frequency table matters.
 *   <li>Start from the 256 byte symbols (ids 0..255 in GPT-2's order, {@link ByteLevelAlphabet});
 *       each word is its UTF-8 bytes.
 *   <li>Count every adjacent symbol pair, weighted by word frequency, and index pair -> words
 *       containing it.
 *   <li>Repeatedly merge the most frequent pair {@code (a, b)} into the symbol {@code a+b}: rewrite
 *       only the words the index lists, subtract their old pairs and add their new ones. A max-heap
 *       with lazy deletion (stale entries are re-checked against the live count when popped) finds
 *       the next pair.
 * </ol>
 *
 * <p>Tie-breaking (deterministic): among pairs of equal count, the pair with the smaller left id
 * wins, then the smaller right id. Ids are assigned in creation order, so older (shorter) symbols
 * win ties, and the result does not depend on hash or input order of the words. As in Hugging
 * Face's trainer, a merge whose result string already exists reuses that id, and training stops
 * when the vocabulary (specials included) reaches {@code vocabSize} or no pair reaches {@code
 * minPairFrequency}. Special tokens take the last ids, as GPT-2's {@code <|endoftext|>} does.
 */
public final class BpeTrainer {

  private static final Logger LOG = LogManager.getLogger(BpeTrainer.class);

  private final BpeTrainerConfig config;

  public BpeTrainer(BpeTrainerConfig config) {
    if (config == null) {
      throw new IllegalArgumentException("config: found null, expected a BpeTrainerConfig");
    }
    this.config = config;
  }

  /**
   * Learns merges from {@code texts} (iterated once) and returns the vocabulary with the special
   * tokens.
   */
  public BpeModel train(Iterable<String> texts) {
    long startNanos = System.nanoTime();
    List<String> specialNames = config.specialTokens().all();
    Map<String, Integer> wordCounts = countWords(texts, specialNames);

    // Base alphabet: symbol id -> text, and byte value -> symbol id.
    List<String> symbolText = new ArrayList<>();
    Map<String, Integer> idByText = new HashMap<>();
    int[] idOfByte = new int[ByteLevelAlphabet.SIZE];
    for (int i = 0; i < ByteLevelAlphabet.SIZE; i++) {
      int b = ByteLevelAlphabet.byteInVocabularyOrder(i);
      idOfByte[b] = i;
      String symbol = String.valueOf(ByteLevelAlphabet.charOf(b));
      symbolText.add(symbol);
      idByText.put(symbol, i);
    }

    // Words as symbol-id arrays with their frequencies.
    int wordCount = wordCounts.size();
    int[][] words = new int[wordCount][];
    int[] frequency = new int[wordCount];
    int w = 0;
    for (Map.Entry<String, Integer> entry : wordCounts.entrySet()) {
      byte[] bytes = entry.getKey().getBytes(StandardCharsets.UTF_8);
      int[] symbols = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        symbols[i] = idOfByte[bytes[i] & 0xFF];
      }
      words[w] = symbols;
      frequency[w] = entry.getValue();
      w++;
    }

    // Pair statistics and the word index, then the heap of candidates.
    Map<Long, PairStats> pairs = new HashMap<>();
    for (w = 0; w < wordCount; w++) {
      int[] symbols = words[w];
      for (int i = 0; i + 1 < symbols.length; i++) {
        PairStats stats =
            pairs.computeIfAbsent(pairKey(symbols[i], symbols[i + 1]), k -> new PairStats());
        stats.count += frequency[w];
        stats.addWord(w);
      }
    }
    PriorityQueue<Candidate> heap = new PriorityQueue<>(Math.max(1, pairs.size()));
    pairs.forEach((key, stats) -> heap.add(new Candidate(stats.count, key)));

    int regularTarget = config.vocabSize() - specialNames.size();
    List<BpeModel.Merge> merges = new ArrayList<>();
    int[] lastVisitedStep = new int[wordCount];
    Arrays.fill(lastVisitedStep, -1);
    while (symbolText.size() < regularTarget && !heap.isEmpty()) {
      Candidate top = heap.poll();
      PairStats stats = pairs.get(top.pair);
      if (stats == null || stats.count != top.count) {
        if (stats != null && stats.count > 0) {
          heap.add(new Candidate(stats.count, top.pair));
        }
        continue;
      }
      if (top.count < config.minPairFrequency()) {
        break;
      }
      int left = (int) (top.pair >>> 32);
      int right = (int) top.pair;
      String merged = symbolText.get(left) + symbolText.get(right);
      Integer existing = idByText.get(merged);
      int newId = existing != null ? existing : symbolText.size();
      if (existing == null) {
        symbolText.add(merged);
        idByText.put(merged, newId);
      }
      merges.add(new BpeModel.Merge(symbolText.get(left), symbolText.get(right)));

      int step = merges.size();
      Set<Long> newPairs = new HashSet<>();
      for (int i = 0; i < stats.size; i++) {
        int word = stats.words[i];
        if (lastVisitedStep[word] == step) {
          continue;
        }
        lastVisitedStep[word] = step;
        mergeInWord(words, frequency, word, left, right, newId, pairs, newPairs);
      }
      pairs.remove(top.pair);
      for (long key : newPairs) {
        PairStats changed = pairs.get(key);
        if (changed != null && changed.count > 0) {
          heap.add(new Candidate(changed.count, key));
        }
      }
    }

    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (int id = 0; id < symbolText.size(); id++) {
      vocab.put(symbolText.get(id), id);
    }
    List<BpeModel.AddedToken> added = new ArrayList<>();
    for (String name : specialNames) {
      int id = symbolText.size() + added.size();
      added.add(new BpeModel.AddedToken(id, name, true));
      vocab.put(name, id);
    }
    if (vocab.size() < config.vocabSize()) {
      LOG.warn(
          "BPE training stopped at {} tokens of the {} requested: no pair occurs {} times or more",
          vocab.size(),
          config.vocabSize(),
          config.minPairFrequency());
    }
    LOG.info(
        "Trained byte-level BPE: {} distinct words, {} merges, {} tokens in {} ms",
        wordCount,
        merges.size(),
        vocab.size(),
        (System.nanoTime() - startNanos) / 1_000_000);
    return new BpeModel(vocab, merges, added);
  }

  /** Counts GPT-2 pieces over all texts, skipping the special tokens themselves. */
  private static Map<String, Integer> countWords(
      Iterable<String> texts, List<String> specialNames) {
    List<BpeModel.AddedToken> specials = new ArrayList<>();
    for (int i = 0; i < specialNames.size(); i++) {
      specials.add(new BpeModel.AddedToken(i, specialNames.get(i), true));
    }
    AddedTokenMatcher matcher = new AddedTokenMatcher(specials);
    Map<String, Integer> counts = new HashMap<>();
    AddedTokenMatcher.Sink sink =
        new AddedTokenMatcher.Sink() {
          @Override
          public void plain(String text, int start, int end) {
            Gpt2PreTokenizer.forEachPiece(
                text.subSequence(start, end), piece -> counts.merge(piece, 1, Integer::sum));
          }

          @Override
          public void addedToken(int id) {
            // Special tokens are not part of the learned vocabulary.
          }
        };
    for (String text : texts) {
      if (text == null) {
        throw new IllegalArgumentException("texts: found a null text, expected strings");
      }
      matcher.split(text, sink);
    }
    return counts;
  }

  /**
   * Rewrites one word with {@code (left, right) -> newId} (left to right, non-overlapping) and
   * updates the pair counts where the word changed, weighted by its frequency {@code f}: at each
   * merge, with {@code p} the symbol now before it and {@code n} the old symbol after it, {@code
   * (p,left) -f, (p,newId) +f, (right,n) -f, (newId,n) +f, (left,right) -f}. Because {@code p} is
   * read from the rewritten prefix, back-to-back merges ({@code a b a b -> ab ab}) cancel
   * correctly. Pairs that gain count contain {@code newId}: they get the word in their index and go
   * to {@code newPairs}.
   */
  private static void mergeInWord(
      int[][] words,
      int[] frequency,
      int word,
      int left,
      int right,
      int newId,
      Map<Long, PairStats> pairs,
      Set<Long> newPairs) {
    int[] old = words[word];
    int[] rewritten = new int[old.length];
    int length = 0;
    long f = frequency[word];
    for (int i = 0; i < old.length; ) {
      if (i + 1 < old.length && old[i] == left && old[i + 1] == right) {
        if (length > 0) {
          int before = rewritten[length - 1];
          addCount(pairs, pairKey(before, left), -f);
          gainPair(pairs, pairKey(before, newId), f, word, newPairs);
        }
        if (i + 2 < old.length) {
          int after = old[i + 2];
          addCount(pairs, pairKey(right, after), -f);
          gainPair(pairs, pairKey(newId, after), f, word, newPairs);
        }
        addCount(pairs, pairKey(left, right), -f);
        rewritten[length++] = newId;
        i += 2;
      } else {
        rewritten[length++] = old[i++];
      }
    }
    if (length < old.length) {
      words[word] = Arrays.copyOf(rewritten, length);
    }
  }

  private static void addCount(Map<Long, PairStats> pairs, long key, long delta) {
    pairs.computeIfAbsent(key, k -> new PairStats()).count += delta;
  }

  private static void gainPair(
      Map<Long, PairStats> pairs, long key, long delta, int word, Set<Long> newPairs) {
    PairStats stats = pairs.computeIfAbsent(key, k -> new PairStats());
    stats.count += delta;
    stats.addWord(word);
    newPairs.add(key);
  }

  private static long pairKey(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  /** Live count of one pair and the words that contain (or once contained) it. */
  private static final class PairStats {
    long count;
    int[] words = new int[2];
    int size;

    void addWord(int word) {
      if (size > 0 && words[size - 1] == word) {
        return;
      }
      if (size == words.length) {
        words = Arrays.copyOf(words, size * 2);
      }
      words[size++] = word;
    }
  }

  /** Heap entry: higher count first, then smaller (left, right) ids. */
  private record Candidate(long count, long pair) implements Comparable<Candidate> {
    @Override
    public int compareTo(Candidate other) {
      int byCount = Long.compare(other.count, count);
      return byCount != 0 ? byCount : Long.compare(pair, other.pair);
    }
  }
}
