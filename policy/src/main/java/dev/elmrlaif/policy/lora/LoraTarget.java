package dev.elmrlaif.policy.lora;

/** The GPT-2 projections a LoRA adapter may sit on, by their parameter-name suffix. */
public enum LoraTarget {
  /** The fused query/key/value projection {@code attn.c_attn} ({@code d -> 3d}). */
  ATTN_QKV("attn.c_attn"),
  /** The attention output projection {@code attn.c_proj} ({@code d -> d}). */
  ATTN_OUT("attn.c_proj"),
  /** The MLP input projection {@code mlp.c_fc} ({@code d -> mlpDim}). */
  MLP_IN("mlp.c_fc"),
  /** The MLP output projection {@code mlp.c_proj} ({@code mlpDim -> d}). */
  MLP_OUT("mlp.c_proj");

  private final String projection;

  LoraTarget(String projection) {
    this.projection = projection;
  }

  /** The projection's name inside a block, e.g. {@code attn.c_attn}. */
  public String projection() {
    return projection;
  }

  /** Parses a target by enum name ({@code ATTN_QKV}) or projection name ({@code attn.c_attn}). */
  public static LoraTarget parse(String text) {
    for (LoraTarget target : values()) {
      if (target.name().equalsIgnoreCase(text) || target.projection.equals(text)) {
        return target;
      }
    }
    throw new IllegalArgumentException(
        "LoraTarget: found \""
            + text
            + "\", expected one of attn.c_attn, attn.c_proj, mlp.c_fc, "
            + "mlp.c_proj (or ATTN_QKV, ATTN_OUT, MLP_IN, MLP_OUT)");
  }
}
