package dev.elmrlaif.domain.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson mapping of config records (snake_case keys, lower-case enums, sorted map keys):
 * the loader binds YAML with it, and data preparation serialises its data section with it into the
 * cache key, so the two always agree. It lives apart from {@link ConfigLoader} so that code below
 * the configuration root (the data preparation) can use it without depending on the loader.
 */
public final class ConfigJson {
  private ConfigJson() {}

  /** The mapper that binds config trees onto records (snake_case keys, lower-case enums). */
  public static ObjectMapper newMapper() {
    return JsonMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
        .configure(EnumFeature.WRITE_ENUMS_TO_LOWERCASE, true)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .build();
  }
}
