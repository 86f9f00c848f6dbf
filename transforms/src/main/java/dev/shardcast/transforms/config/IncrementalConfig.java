package dev.shardcast.transforms.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.io.Serializable;

/**
 * {@code incremental:}: prepare keeps what it processed at its output and a rerun processes only new
 * input files (plus each series' last rows), as a new span next to the earlier ones (docs/registry.md).
 *
 * @param enabled off by default: every prepare rebuilds from all input files
 * @param onChange what a changed or deleted input file of an earlier span does: {@code refuse} (exit 2,
 *     naming the file; the default: earlier spans' windows were made from it) or {@code rebuild} (prepare
 *     everything again as a first span)
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record IncrementalConfig(Boolean enabled, OnChange onChange) implements Serializable {

  public boolean enabledOrDefault() {
    return enabled != null && enabled;
  }

  public OnChange onChangeOrDefault() {
    return onChange == null ? OnChange.REFUSE : onChange;
  }

  public enum OnChange {
    REFUSE,
    REBUILD;

    @JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }

  static void validate(JobConfig c) {
    if (c.incremental() == null || !c.incremental().enabledOrDefault()) {
      return;
    }
    if (c.split().rolling()) {
      throw new ConfigException("config key 'incremental.enabled' cannot be used with 'split.mode: rolling': rolling "
          + "cut-offs move with every new span, so earlier spans' windows would change split (use fixed cut-offs, "
          + "or prepare everything again)");
    }
    if (!Frequency.parse(c.input().frequency()).isRegular()) {
      throw new ConfigException("config key 'incremental.enabled' needs a regular 'input.frequency': events "
          + "(frequency: none) are ranked over the whole series, which a later span cannot continue");
    }
  }
}
