package dev.elmrlaif.algorithms.train;

import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.run.RunDirectory;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the supervised stages read and write inside a run folder:
 *
 * <pre>
 *   tokenizer/tokenizer.json          the tokenizer stage's output (read by pretrain)
 *   pretrain/model/                   the language model (no adapter) with its tokenizer.json
 *   sft/&lt;kind&gt;/model/                 the trained ELM per entity kind (movie, user), LoRA merged
 *   checkpoints/&lt;label&gt;/               full-state checkpoints per sub-stage (TrainingCheckpoints)
 *   eval.json, eval.md                the evaluation stage's tables
 *   generations.jsonl                 every held-out generation of every evaluated stage
 * </pre>
 */
public final class RunArtifacts {
  private RunArtifacts() {}

  /** The tokenizer the tokenizer stage wrote. */
  public static Path tokenizerFile(RunDirectory run) {
    return run.path().resolve(StageName.TOKENIZER.key()).resolve(ElmCheckpoint.TOKENIZER_FILE);
  }

  /** The pretrained language model folder. */
  public static Path pretrainedModel(RunDirectory run) {
    return run.path().resolve(StageName.PRETRAIN.key()).resolve("model");
  }

  /** The supervised ELM of one entity kind. */
  public static Path sftModel(RunDirectory run, String kind) {
    return run.path().resolve(StageName.SFT.key()).resolve(kind).resolve("model");
  }

  /** The checkpoint folder of a sub-stage label such as {@code sft/movie/stage2}. */
  public static Path checkpoints(RunDirectory run, String label) {
    return run.checkpoints().resolve(label);
  }

  /** The file, which must exist, that an earlier stage should have written. */
  public static Path requireFile(Path file, StageName producer) {
    if (!Files.isRegularFile(file)) {
      throw new UserInputException(
          file
              + " does not exist; expected the output of the '"
              + producer.key()
              + "' stage (add it to `stages`, or resume the run that has it)");
    }
    return file;
  }

  /** The model folder, which must exist, that an earlier stage should have written. */
  public static Path requireModel(Path folder, StageName producer) {
    requireFile(folder.resolve(ElmCheckpoint.WEIGHTS_FILE), producer);
    return folder;
  }
}
