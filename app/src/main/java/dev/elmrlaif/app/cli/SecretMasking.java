package dev.elmrlaif.app.cli;

import dev.elmrlaif.rewards.http.Secrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.rewrite.RewriteAppender;
import org.apache.logging.log4j.core.appender.rewrite.RewritePolicy;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.Message;
import org.apache.logging.log4j.message.SimpleMessage;

/**
 * The log's half of the one redaction path ({@link Secrets}): every log line, the console's and
 * each run's {@code run.log}, passes a rewrite that masks any registered API key in the message and
 * in the messages of a logged exception and its causes. The clients mask what endpoints send back
 * before it is logged; this catches whatever else might carry a key (a library's message, a future
 * log line). Log4j2-core code, so it lives in the CLI beside {@link RunLogFile}.
 */
final class SecretMasking implements RewritePolicy {
  private static final String CONSOLE_WRAPPER = "secret-masking";

  private SecretMasking() {}

  /**
   * Puts the masking rewrite in front of every appender of the root logger (once per logging
   * configuration; later calls do nothing).
   */
  static synchronized void install() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    LoggerConfig root = config.getRootLogger();
    Map<String, Appender> appenders = root.getAppenders();
    if (appenders.containsKey(CONSOLE_WRAPPER) || appenders.isEmpty()) {
      return;
    }
    List<String> names = List.copyOf(appenders.keySet());
    Appender wrapper = wrap(config, CONSOLE_WRAPPER, names);
    for (String name : names) {
      root.removeAppender(name);
    }
    root.addAppender(wrapper, null, null);
    context.updateLoggers();
  }

  /**
   * A started rewrite appender, added to {@code config}, masking what it passes to the named
   * appenders.
   */
  static Appender wrap(Configuration config, String name, List<String> targets) {
    AppenderRef[] refs =
        targets.stream()
            .map(t -> AppenderRef.createAppenderRef(t, Level.ALL, null))
            .toArray(AppenderRef[]::new);
    RewriteAppender wrapper =
        RewriteAppender.createAppender(name, "true", refs, config, new SecretMasking(), null);
    wrapper.start();
    config.addAppender(wrapper);
    return wrapper;
  }

  /**
   * The event itself when nothing in it leaks; else a copy whose message is masked and, when the
   * exception's text leaks, carries the exception's full text (class names, messages, stack,
   * causes) masked, in place of the exception.
   */
  @Override
  public LogEvent rewrite(LogEvent event) {
    Message message = event.getMessage();
    String text = message == null ? null : message.getFormattedMessage();
    Throwable thrown = event.getThrown();
    String trace = thrown == null ? null : stackTrace(thrown);
    boolean textLeaks = Secrets.leaks(text);
    boolean traceLeaks = Secrets.leaks(trace);
    if (!textLeaks && !traceLeaks) {
      return event;
    }
    Log4jLogEvent.Builder masked = new Log4jLogEvent.Builder(event);
    if (traceLeaks) {
      masked
          .setMessage(
              new SimpleMessage(
                  Secrets.mask(text) + System.lineSeparator() + Secrets.mask(trace).strip()))
          .setThrown(null)
          .setThrownProxy(null);
    } else {
      masked.setMessage(new SimpleMessage(Secrets.mask(text)));
    }
    return masked.build();
  }

  private static String stackTrace(Throwable thrown) {
    StringWriter out = new StringWriter();
    thrown.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
