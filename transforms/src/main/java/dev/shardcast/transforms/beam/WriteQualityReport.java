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
  /** What the report is built from; the DoFn carries the same, serialized. */
  private record Settings(JobPlan plan, String outputDir, PCollectionView<Map<String, Long>> counts,
      PCollectionView<DatasetProfile> profile, PCollectionView<DatasetProfile> usedProfile, String baselineJson,
      String baselinePath, String startedAt) implements java.io.Serializable {}

  private final Settings settings;

  /**
   * @param profile the readers' profile of the rows the row rules accepted (rule-only columns come from it)
   * @param usedProfile the value columns over the rows the run uses (after duplicates, conflicts, scale check)
   * @param baselineJson the baseline report's text, or null when there is none
   */
  public WriteQualityReport(JobPlan plan, String outputDir, PCollectionView<Map<String, Long>> counts,
      PCollectionView<DatasetProfile> profile, PCollectionView<DatasetProfile> usedProfile, String baselineJson,
      String baselinePath, String startedAt) {
    this.settings = new Settings(plan, outputDir, counts, profile, usedProfile, baselineJson, baselinePath, startedAt);
  }

  @Override
  public PCollectionView<String> expand(PBegin begin) {
    return begin
        .apply("ReportTrigger", Create.of(QualityReport.FILE_NAME))
        .apply("WriteReportFiles", ParDo.of(new WriteFn(settings))
            .withSideInputs(settings.counts(), settings.profile(), settings.usedProfile()))
        .setCoder(StringUtf8Coder.of())
        .apply("VerdictView", View.asSingleton());
  }

  static final class WriteFn extends DoFn<String, String> {
    private static final Logger LOG = LoggerFactory.getLogger(WriteFn.class);
    private final Settings s;

    WriteFn(Settings settings) {
      this.s = settings;
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      JobPlan plan = s.plan();
      QualityReport baseline = s.baselineJson() == null ? null : QualityReport.fromJson(s.baselineJson());
      // Value columns as used; rule-only columns (text, not in the windows) as the row rules accepted them.
      DatasetProfile columns = c.sideInput(s.profile()).only(col -> !plan.valueColumns().contains(col))
          .merge(c.sideInput(s.usedProfile()));
      QualityReport report = QualityReportBuilder.build(new QualityReportBuilder.Input(plan,
          new TreeMap<>(c.sideInput(s.counts())), columns, baseline, s.baselinePath(), s.startedAt()));
      OutputFiles.writeAtomically(s.outputDir(), QualityReport.FILE_NAME, report.toJson().getBytes(StandardCharsets.UTF_8));
      OutputFiles.write(s.outputDir(), QualityReport.HTML_FILE_NAME,
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
