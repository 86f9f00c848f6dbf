package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.quality.DatasetProfile;
import dev.shardcast.transforms.quality.QualityReport;
import dev.shardcast.transforms.quality.QualityReportBuilder;
import dev.shardcast.transforms.quality.QualityReportHtml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code quality-report.json} and {@code quality-report.html} once every row has been read,
 * checked and windowed, and yields the verdict as a side input: the shard and manifest writers wait
 * for it and publish nothing when it is {@code fail}. The report is written whatever the verdict.
 */
public final class WriteQualityReport extends PTransform<PBegin, PCollectionView<String>> {
  private final JobPlan plan;
  private final String outputDir;
  private final PCollectionView<Map<String, Long>> counts;
  private final PCollectionView<DatasetProfile> profile;
  private final PCollectionView<DatasetProfile> usedProfile;
  private final String baselineJson;
  private final String baselinePath;
  private final String startedAt;

  /**
   * @param profile the readers' profile of the rows the row rules accepted (rule-only columns come from it)
   * @param usedProfile the value columns over the rows the run uses (after duplicates, conflicts, scale check)
   * @param baselineJson the baseline report's text, or null when there is none
   */
  public WriteQualityReport(JobPlan plan, String outputDir, PCollectionView<Map<String, Long>> counts,
      PCollectionView<DatasetProfile> profile, PCollectionView<DatasetProfile> usedProfile, String baselineJson,
      String baselinePath, String startedAt) {
    this.plan = plan;
    this.outputDir = outputDir;
    this.counts = counts;
    this.profile = profile;
    this.usedProfile = usedProfile;
    this.baselineJson = baselineJson;
    this.baselinePath = baselinePath;
    this.startedAt = startedAt;
  }

  @Override
  public PCollectionView<String> expand(PBegin begin) {
    return begin
        .apply("ReportTrigger", Create.of(QualityReport.FILE_NAME))
        .apply("WriteReportFiles", ParDo.of(new WriteFn(this)).withSideInputs(counts, profile, usedProfile))
        .setCoder(StringUtf8Coder.of())
        .apply("VerdictView", View.asSingleton());
  }

  static final class WriteFn extends DoFn<String, String> {
    private static final Logger LOG = LoggerFactory.getLogger(WriteFn.class);
    private final JobPlan plan;
    private final String outputDir;
    private final PCollectionView<Map<String, Long>> counts;
    private final PCollectionView<DatasetProfile> profile;
    private final PCollectionView<DatasetProfile> usedProfile;
    private final String baselineJson;
    private final String baselinePath;
    private final String startedAt;

    WriteFn(WriteQualityReport t) {
      this.usedProfile = t.usedProfile;
      this.plan = t.plan;
      this.outputDir = t.outputDir;
      this.counts = t.counts;
      this.profile = t.profile;
      this.baselineJson = t.baselineJson;
      this.baselinePath = t.baselinePath;
      this.startedAt = t.startedAt;
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      QualityReport baseline = baselineJson == null ? null : QualityReport.fromJson(baselineJson);
      // Value columns as used; rule-only columns (text, not in the windows) as the row rules accepted them.
      DatasetProfile columns = c.sideInput(profile).only(col -> !plan.valueColumns().contains(col))
          .merge(c.sideInput(usedProfile));
      QualityReport report = QualityReportBuilder.build(new QualityReportBuilder.Input(plan,
          new TreeMap<>(c.sideInput(counts)), columns, baseline, baselinePath, startedAt));
      OutputFiles.writeAtomically(outputDir, QualityReport.FILE_NAME, report.toJson().getBytes(StandardCharsets.UTF_8));
      OutputFiles.write(outputDir, QualityReport.HTML_FILE_NAME,
          QualityReportHtml.render(report).getBytes(StandardCharsets.UTF_8));
      if (report.verdict().equals(QualityReport.FAIL)) {
        LOG.error("data quality verdict FAIL: {}; no shards and no manifest will be published", report.reasons());
      } else {
        LOG.info("data quality verdict {}{}", report.verdict(), report.reasons().isEmpty() ? "" : ": " + report.reasons());
      }
      c.output(report.verdict());
    }
  }
}
