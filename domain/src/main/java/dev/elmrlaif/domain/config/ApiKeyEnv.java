package dev.elmrlaif.domain.config;

import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.rewards.http.Secrets;
import java.net.URI;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The rules of every {@code *_api_key_env} key (the online teacher's, the AI judge's): the config
 * holds the <em>name</em> of an environment variable, which must look like one ({@code
 * [A-Z_][A-Z0-9_]*}; anything else may be the key itself, so it is refused without being echoed),
 * or is empty for an endpoint without a key; a named variable that is not set is an error at
 * start-up; the value read is registered with {@link Secrets}, so the log and every message mask
 * it.
 */
public final class ApiKeyEnv {
  /** What an environment variable's name looks like. */
  public static final Pattern NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");

  private static final Logger LOG = LogManager.getLogger(ApiKeyEnv.class);

  private ApiKeyEnv() {}

  /**
   * The value of a {@code *_api_key_env} key, stripped: empty, or a variable's name.
   *
   * @param key the config key relative to the section that checks it, e.g. {@code api_key_env}
   * @throws ConfigException naming the key, without the value
   */
  public static String requireName(String key, String value) {
    String name = value == null ? "" : value.strip();
    if (!name.isEmpty() && !NAME.matcher(name).matches()) {
      throw new ConfigException(
          key,
          "expected the name of an environment variable ([A-Z_][A-Z0-9_]*, e.g."
              + " OPENAI_API_KEY) that holds the key; the value given is not shown, in case it is the key itself");
    }
    return name;
  }

  /**
   * The key in the variable {@code name} (registered with {@link Secrets}), or empty when {@code
   * name} is empty; then, for an endpoint that is not on this machine, a warning that its requests
   * carry no key.
   *
   * @param key the config key naming the variable, for the messages
   * @param endpoint where the key would go
   * @throws UserInputException when the variable is named but not set
   */
  public static String read(
      String key, String name, Map<String, String> environment, URI endpoint) {
    String variable = requireName(key, name);
    if (variable.isEmpty()) {
      String host = endpoint.getHost() == null ? "" : endpoint.getHost();
      if (!(host.equals("localhost")
          || host.equals("::1")
          || host.equals("[::1]")
          || host.startsWith("127."))) {
        LOG.warn(
            "{} is empty: requests to {} carry no API key; a hosted endpoint refuses them (HTTP 401)."
                + " Set it to the name of the variable holding the key, e.g. OPENAI_API_KEY",
            key,
            endpoint);
      }
      return "";
    }
    String value = environment.get(variable);
    if (value == null || value.isBlank()) {
      throw new UserInputException(
          key
              + ": the environment variable "
              + variable
              + " is not set; expected it to"
              + " hold the API key of "
              + endpoint
              + " (or "
              + key.substring(key.lastIndexOf('.') + 1)
              + ": \"\" for an endpoint without one)");
    }
    Secrets.register(value);
    return value.strip();
  }
}
