package dev.elmrlaif.rewards.text;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a real, parameter-free TorchScript model and a word-level {@code tokenizer.json} into a
 * folder, so {@link DjlSentenceEncoder} can be tested end to end without Python or a download. The
 * model maps token ids to token embeddings {@code h_t = sin(id_t · (1, 2, 3, 4))}, shape [batch,
 * tokens, 4]; the archive is the TorchScript zip layout (pickled module object, serialized code,
 * constants, version), written by hand.
 */
final class TinyTorchScriptModel {

  static final String[] VOCABULARY = {
    "[UNK]", "[PAD]", "space", "alien", "love", "heart", "crime", "police"
  };

  private static final String CODE =
      """
            class Tiny(Module):
              __parameters__ = []
              __buffers__ = []
              training : bool
              def forward(self: __torch__.Tiny,
                input_ids: Tensor,
                attention_mask: Tensor) -> Tensor:
                ids = torch.unsqueeze(input_ids, -1)
                freq = torch.arange(1, 5)
                x = torch.mul(ids, freq)
                return torch.sin(torch.to(x, 6))
            """;

  private TinyTorchScriptModel() {}

  /** The closed form of the model's token embedding for a token id. */
  static double[] tokenEmbedding(int id) {
    return new double[] {Math.sin(id), Math.sin(2.0 * id), Math.sin(3.0 * id), Math.sin(4.0 * id)};
  }

  static void write(Path folder) throws IOException {
    // pickle protocol 2: GLOBAL __torch__.Tiny, EMPTY_TUPLE, NEWOBJ, {'training': False}, BUILD,
    // STOP
    byte[] module =
        concat(
            new byte[] {(byte) 0x80, 2},
            "c__torch__\nTiny\nq\u0000)\u0081}q\u0001X".getBytes(StandardCharsets.ISO_8859_1),
            new byte[] {8, 0, 0, 0},
            "trainingq\u0002\u0089sb.".getBytes(StandardCharsets.ISO_8859_1));
    byte[] constants =
        concat(new byte[] {(byte) 0x80, 2}, ")q\u0000.".getBytes(StandardCharsets.ISO_8859_1));
    try (OutputStream file = Files.newOutputStream(folder.resolve("model.pt"));
        ZipOutputStream zip = new ZipOutputStream(file)) {
      stored(zip, "archive/data.pkl", module);
      stored(zip, "archive/code/__torch__.py", CODE.getBytes(StandardCharsets.UTF_8));
      stored(zip, "archive/constants.pkl", constants);
      stored(zip, "archive/version", "3\n".getBytes(StandardCharsets.UTF_8));
    }
    StringBuilder vocab = new StringBuilder();
    for (int i = 0; i < VOCABULARY.length; i++) {
      vocab.append(i == 0 ? "" : ",").append('"').append(VOCABULARY[i]).append("\":").append(i);
    }
    Files.writeString(
        folder.resolve("tokenizer.json"),
        """
                {"version":"1.0","truncation":null,"padding":null,
                 "added_tokens":[
                  {"id":0,"content":"[UNK]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
                  {"id":1,"content":"[PAD]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
                 "normalizer":{"type":"Lowercase"},"pre_tokenizer":{"type":"Whitespace"},
                 "post_processor":null,"decoder":null,
                 "model":{"type":"WordLevel","vocab":{%s},"unk_token":"[UNK]"}}
                """
            .formatted(vocab));
  }

  private static void stored(ZipOutputStream zip, String name, byte[] content) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(content.length);
    entry.setCompressedSize(content.length);
    CRC32 crc = new CRC32();
    crc.update(content);
    entry.setCrc(crc.getValue());
    zip.putNextEntry(entry);
    zip.write(content);
    zip.closeEntry();
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int offset = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, offset, part.length);
      offset += part.length;
    }
    return all;
  }
}
