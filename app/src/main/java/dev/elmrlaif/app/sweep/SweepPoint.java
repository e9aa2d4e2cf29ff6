package dev.elmrlaif.app.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of a sweep: a value for every grid key (in the sweep file's order) and, when the sweep
 * lists seeds, the seed. Its {@link #overrides()} are the {@code --set} arguments the run is
 * trained with, so a point is reproduced by hand with {@code rlaif train BASE --set ...}.
 *
 * @param id the run's folder name inside the sweep folder, e.g. {@code p03-s42}
 * @param settings grid key to value, as YAML text
 * @param seed the run's master seed, or null to keep the base config's
 */
public record SweepPoint(String id, Map<String, String> settings, Long seed) {
  public SweepPoint {
    settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /**
   * {@code key=value} for each setting, then {@code seed=N} when the point has a seed. A sweep key
   * that names several config keys separated by commas ({@code
   * reinforce.kl.controller.beta,synthetic.beta}) sets each of them to the same value: for keys
   * that must agree, such as the trainer's β and the synthetic CoMDP's.
   */
  public List<String> overrides() {
    List<String> overrides = new ArrayList<>();
    settings.forEach(
        (key, value) -> {
          for (String part : key.split(",")) {
            overrides.add(part.strip() + "=" + value);
          }
        });
    if (seed != null) {
      overrides.add("seed=" + seed);
    }
    return overrides;
  }
}
