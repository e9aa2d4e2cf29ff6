/**
 * The ELM's tokenizer: GPT-2-style byte-level BPE, stored as a Hugging Face {@code tokenizer.json}.
 *
 * <p>Read top-down:
 *
 * <ol>
 *   <li>{@link dev.elmrlaif.policy.tokenizer.ByteLevelAlphabet} and {@link
 *       dev.elmrlaif.policy.tokenizer.Gpt2PreTokenizer}: GPT-2's byte-to-character table and split
 *       regex.
 *   <li>{@link dev.elmrlaif.policy.tokenizer.BpeTrainer} (settings in {@link
 *       dev.elmrlaif.policy.tokenizer.BpeTrainerConfig}, names in {@link
 *       dev.elmrlaif.policy.tokenizer.SpecialTokens}) learns a {@link
 *       dev.elmrlaif.policy.tokenizer.BpeModel} from texts.
 *   <li>{@link dev.elmrlaif.policy.tokenizer.TokenizerJson} writes and reads it in the {@code
 *       tokenizers} layout.
 *   <li>{@link dev.elmrlaif.policy.tokenizer.ElmTokenizer} is what the rest of the project uses:
 *       encode, decode, padded batches, the ids of begin/end/pad and the entity placeholders, load
 *       and save. It runs on DJL's Hugging Face tokenizer, or on the pure-Java {@link
 *       dev.elmrlaif.policy.tokenizer.ByteLevelBpeCodec} when the native library is unavailable;
 *       both give the same ids.
 * </ol>
 *
 * <pre>{@code
 * try (ElmTokenizer tokenizer = ElmTokenizer.train(texts, BpeTrainerConfig.builder().vocabSize(4096).build())) {
 *     tokenizer.save(runFolder.resolve("tokenizer"));          // runFolder/tokenizer/tokenizer.json
 *     long[] ids = tokenizer.encode("<|begin|>A film about <|entity_0|>.");
 * }
 * try (ElmTokenizer gpt2 = ElmTokenizer.load(Path.of("models/gpt2"));     // no ELM tokens yet
 *      ElmTokenizer elm = gpt2.withSpecialTokens(SpecialTokens.defaults())) {
 *     int rows = elm.vocabSize();                               // grow the embedding matrix to this
 * }
 * }</pre>
 */
package dev.elmrlaif.policy.tokenizer;
