package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.quality.QuarantineOriginals;
import dev.shardcast.transforms.config.QualityConfig;
import dev.shardcast.transforms.quality.QuarantineParquet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Writes every quarantined row, one JSON object per line, ordered by source and line, to
 * {@code <output>/quarantine/rows.jsonl} (an empty file when no row was quarantined), the same rows as
 * {@code quarantine/rows.parquet} only when {@code quality.quarantine_parquet} asks (a second full copy
 * of every row), and counts them per reason and per named source.
 */
public final class WriteQuarantine extends PTransform<PCollection<KV<String, String>>, PCollection<KV<String, Long>>> {
  public static final String PATH = "quarantine/rows.jsonl";
  private final JobPlan plan;
  private final String outputDir;

  public WriteQuarantine(JobPlan plan, String outputDir) {
    this.plan = plan;
    this.outputDir = outputDir;
  }

  @Override
  public PCollection<KV<String, Long>> expand(PCollection<KV<String, String>> records) {
    PCollectionView<Iterable<KV<String, String>>> all = records.apply("QuarantineView", View.asIterable());
    return records.getPipeline()
        .apply("QuarantineTrigger", Create.of(PATH))
        .apply("WriteQuarantineFile", ParDo.of(new WriteFn(plan, outputDir, all)).withSideInputs(all))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
  }

  static final class WriteFn extends DoFn<String, KV<String, Long>> {
    private final JobPlan plan;
    private final String outputDir;
    private final PCollectionView<Iterable<KV<String, String>>> all;

    WriteFn(JobPlan plan, String outputDir, PCollectionView<Iterable<KV<String, String>>> all) {
      this.plan = plan;
      this.outputDir = outputDir;
      this.all = all;
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      List<KV<String, String>> rows = new ArrayList<>();
      c.sideInput(all).forEach(rows::add);
      rows.sort((a, b) -> a.getKey().compareTo(b.getKey()));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Map<String, Long> byReason = new TreeMap<>();
      Map<String, Long> bySource = new TreeMap<>();
      List<QuarantineRecord> records = new ArrayList<>(rows.size());
      for (KV<String, String> r : rows) {
        records.add(QuarantineRecord.fromJson(r.getValue()));
      }
      records = QuarantineOriginals.restore(plan, records);
      for (QuarantineRecord record : records) {
        out.write(record.toJson().getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        byReason.merge(record.reason(), 1L, Long::sum);
        bySource.merge(record.origin() == null ? JobPlan.DEFAULT_SOURCE : record.origin(), 1L, Long::sum);
      }
      OutputFiles.write(outputDir, c.element(), out.toByteArray());
      if (QualityConfig.parquetQuarantine(plan.config().quality())) {
        OutputFiles.write(outputDir, QuarantineParquet.PATH, QuarantineParquet.encode(records));
      }
      c.output(KV.of("rows_quarantined", (long) rows.size()));
      byReason.forEach((reason, n) -> c.output(KV.of("quarantined." + reason, n)));
      bySource.forEach((source, n) -> c.output(KV.of("source." + source + ".rows_quarantined", n)));
    }
  }
}
