package dev.shardcast.training.predict;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.training.io.AtomicFiles;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.quality.DatasetProfile;
import dev.shardcast.transforms.quality.QualityReport;
import dev.shardcast.transforms.quality.QualityReportBuilder;
import dev.shardcast.transforms.quality.QualityReportHtml;
import dev.shardcast.transforms.quality.RowChecks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Consistent checks at serving time: predict applies the training run's rules (from the model's
 * manifest) to its input, and reports the input's drift from the training data's profile as
 * training/serving skew, in the same report format as prepare's.
 */
final class ServingRules {
  private static final Logger LOG = LoggerFactory.getLogger(ServingRules.class);

  private ServingRules() {}

  /** What the readers saw across the input files. */
  static final class Tally {
    long rowsRead;
    final Map<String, Long> readBySource = new java.util.LinkedHashMap<>();
    final DatasetProfile profile = new DatasetProfile();
    final Map<String, Long> counts = new TreeMap<>();

    void add(String sourceName, long rows, RowChecks checks) {
      rowsRead += rows;
      readBySource.merge(sourceName, rows, Long::sum);
      profile.merge(checks.profile());
      checks.counts((k, v) -> counts.merge(k, v, Long::sum));
    }
  }

  static JobConfig withTrainingRules(JobConfig job, dev.shardcast.transforms.shard.ShardManifest manifest) {
    JsonNode tree = manifest.config() == null ? null : manifest.config().get("quality");
    if (tree == null || tree.isNull()) {
      return job;
    }
    // The manifest stores the config with secrets masked (Redaction): a reference table at a presigned
    // URL is stored as ...?X-Amz-Signature=***. When the job's own rules are those rules once masked,
    // they are the training rules with their secrets: use them.
    JsonNode own = ConfigLoader.toTree(job).get("quality");
    if (tree.equals(own)) {
      return job;
    }
    return job.withQuality(ConfigLoader.qualityFromTree(tree));
  }

  /** Writes {@code <forecasts>.quality-report.json/.html} and returns the report. */
  static QualityReport report(JobPlan plan, Tally tally, List<QuarantineRecord> quarantined, Path modelDir, Path outFile)
      throws IOException {
    Map<String, Long> counts = new TreeMap<>(tally.counts);
    counts.put("rows_read", tally.rowsRead);
    counts.put("rows_quarantined", (long) quarantined.size());
    counts.put("rows_used", tally.rowsRead - quarantined.size());
    Map<String, Long> quarantinedBySource = new TreeMap<>();
    for (QuarantineRecord r : quarantined) {
      counts.merge("quarantined." + r.reason(), 1L, Long::sum);
      quarantinedBySource.merge(r.origin() == null ? plan.sources().get(0).name() : r.origin(), 1L, Long::sum);
    }
    for (var e : tally.readBySource.entrySet()) {
      String source = "source." + e.getKey() + ".";
      long q = quarantinedBySource.getOrDefault(e.getKey(), 0L);
      counts.put(source + "rows_read", e.getValue());
      counts.put(source + "rows_quarantined", q);
      counts.put(source + "rows_used", e.getValue() - q);
    }
    Path baselineFile = modelDir.resolve(QualityReport.FILE_NAME);
    QualityReport baseline = null;
    if (Files.isRegularFile(baselineFile)) {
      baseline = QualityReport.fromJson(Files.readString(baselineFile, StandardCharsets.UTF_8));
    } else {
      LOG.warn("no training quality report in {}: training/serving skew is not measured", modelDir);
    }
    QualityReport built = QualityReportBuilder.build(new QualityReportBuilder.Input(plan, counts, tally.profile,
        baseline, baseline == null ? null : baselineFile.toString(), Instant.now().toString()));
    String base = outFile.getFileName().toString();
    // predict's quarantine is one JSONL file beside the forecasts (written only when a row was rejected).
    QualityReport report = built.withQuarantine(new QualityReport.QuarantineFiles(base + ".quarantine.jsonl", null,
        built.quarantine().rows(), built.quarantine().byReason()));
    AtomicFiles.write(outFile.resolveSibling(base + "." + QualityReport.FILE_NAME),
        report.toJson().getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(outFile.resolveSibling(base + "." + QualityReport.HTML_FILE_NAME),
        QualityReportHtml.render(report).getBytes(StandardCharsets.UTF_8));
    LOG.info("input quality {} (skew vs training: {}); report {}", report.verdict(),
        report.drift() == null ? "not measured" : report.drift().size() + " columns compared",
        outFile.resolveSibling(base + "." + QualityReport.HTML_FILE_NAME));
    return report;
  }
}
