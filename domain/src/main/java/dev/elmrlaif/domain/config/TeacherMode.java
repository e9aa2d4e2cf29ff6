package dev.elmrlaif.domain.config;

/**
 * Who writes the task targets: the deterministic offline writer, or an OpenAI-compatible endpoint.
 */
public enum TeacherMode {
  /** Compose targets from real metadata, deterministically, never naming the title. */
  OFFLINE,
  /**
   * Send each task's prompt, with the real title, to a chat-completions endpoint (as the paper
   * did).
   */
  ONLINE
}
