package dev.shardcast.transforms.config;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What prepare checks on the file system before it builds its pipeline, so a wrong path is a
 * {@link ConfigException} (exit 2) in well under a second instead of a failure, or a walk of the
 * whole disk, inside the running pipeline: every input path or glob matches at least one file, every
 * reference table and the drift baseline exist, and the output folder stays out of the inputs.
 * ({@code quality.rules_file} is read, so checked, when the config loads.)
 *
 * <p>Remote paths go through Beam's FileSystems: set its options first.
 */
public final class PrepareChecks {
  private PrepareChecks() {}

  /** @return the input files of each input key, in source order */
  public static Map<String, List<String>> check(JobConfig c) throws IOException {
    dev.shardcast.transforms.store.S3Preflight.check(dev.shardcast.transforms.store.S3Clients.settings(c), locations(c));
    Map<String, List<String>> files = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, String> in : inputs(c).entrySet()) {
      files.put(in.getKey(), InputPaths.match(in.getKey(), in.getValue()));
      OutputPlacement.check("shards.output", c.shards().output(), in.getKey(), in.getValue());
    }
    QualityConfig q = c.quality();
    if (q != null && q.columns() != null) {
      for (var e : q.columns().entrySet()) {
        String key = "quality.columns." + e.getKey();
        if (e.getValue() == null) {
          continue;
        }
        if (e.getValue().reference() != null) {
          InputPaths.requireFile(key + ".reference.path", e.getValue().reference().value().path("path").asText());
        }
        if (e.getValue().matchesReference() != null) {
          InputPaths.requireFile(key + ".matches_reference.path",
              e.getValue().matchesReference().value().path("path").asText());
        }
      }
    }
    if (q != null && q.drift() != null && q.drift().baseline() != null) {
      InputPaths.requireFile("quality.drift.baseline", q.drift().baseline());
    }
    return files;
  }

  /** Whether every path {@link #check} looks at is local (no Beam FileSystems options needed). */
  public static boolean allLocal(JobConfig c) {
    return locations(c).values().stream().allMatch(p -> p == null || InputPaths.isLocal(p));
  }

  /** Config key → every location the job reads or writes: inputs, output, reference tables, baseline. */
  public static Map<String, String> locations(JobConfig c) {
    Map<String, String> out = new java.util.LinkedHashMap<>(inputs(c));
    out.put("shards.output", c.shards().output());
    QualityConfig q = c.quality();
    if (q != null && q.columns() != null) {
      for (var e : q.columns().entrySet()) {
        QualityConfig.ColumnRules r = e.getValue();
        if (r != null && r.reference() != null) {
          out.put("quality.columns." + e.getKey() + ".reference.path", r.reference().value().path("path").asText());
        }
        if (r != null && r.matchesReference() != null) {
          out.put("quality.columns." + e.getKey() + ".matches_reference.path",
              r.matchesReference().value().path("path").asText());
        }
      }
    }
    if (q != null && q.drift() != null && q.drift().baseline() != null) {
      out.put("quality.drift.baseline", q.drift().baseline());
    }
    return out;
  }

  /** Config key → path or glob of every data input: {@code input.path}, or each {@code input.sources[i].path}. */
  public static Map<String, String> inputs(JobConfig c) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    JobConfig.Input in = c.input();
    if (in.sources() != null && !in.sources().isEmpty()) {
      List<JobConfig.Source> sources = new ArrayList<>(in.sources());
      for (int i = 0; i < sources.size(); i++) {
        out.put("input.sources[" + i + "].path", sources.get(i).path());
      }
    } else {
      out.put("input.path", in.path());
    }
    return out;
  }
}
