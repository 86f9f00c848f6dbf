package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.WindowBlock;
import dev.shardcast.transforms.shard.ShardManifest.ShardFile;
import dev.shardcast.transforms.shard.ShardSchema;
import dev.shardcast.transforms.shard.ShardWriter;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import dev.shardcast.transforms.quality.QualityReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each batch as one Parquet file, {@code <output>/<split>/batch-NNNNNN.parquet}, and reports
 * its row count, size and SHA-256 for the manifest.
 */
public final class WriteShards extends PTransform<PCollection<KV<String, WindowBlock>>, PCollection<KV<String, ShardFile>>> {
  private final JobPlan plan;
  private final String outputDir;
  private final PCollectionView<String> verdict;

  /** @param verdict the data-quality verdict: nothing is written when it is fail */
  public WriteShards(JobPlan plan, String outputDir, PCollectionView<String> verdict) {
    this.plan = plan;
    this.outputDir = outputDir;
    this.verdict = verdict;
  }

  @Override
  public PCollection<KV<String, ShardFile>> expand(PCollection<KV<String, WindowBlock>> batches) {
    return batches
        .apply("WriteShardFiles", ParDo.of(new WriteFn(plan, outputDir, verdict)).withSideInputs(verdict))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(ShardFile.class)));
  }

  static final class WriteFn extends DoFn<KV<String, WindowBlock>, KV<String, ShardFile>> {
    private static final Logger LOG = LoggerFactory.getLogger(WriteFn.class);
    private static final AtomicLong WRITTEN = new AtomicLong();
    private final JobPlan plan;
    private final String outputDir;
    private final PCollectionView<String> verdict;
    private final org.apache.beam.sdk.metrics.Counter shardsWritten = ProgressCounters.counter(ProgressCounters.SHARDS);
    private transient ShardSchema schema;

    WriteFn(JobPlan plan, String outputDir, PCollectionView<String> verdict) {
      this.plan = plan;
      this.outputDir = outputDir;
      this.verdict = verdict;
    }

    @Setup
    public void setup() {
      schema = ShardSchema.of(plan);
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException, NoSuchAlgorithmException {
      if (QualityReport.FAIL.equals(c.sideInput(verdict))) {
        return; // the quality gate failed: no shard may become visible
      }
      String[] key = c.element().getKey().split("/");
      String split = JobPlan.SPLITS[Integer.parseInt(key[0])];
      long batch = Long.parseLong(key[1]);
      WindowBlock block = c.element().getValue();
      byte[] bytes = ShardWriter.encode(schema, block);
      String path = ShardSchema.shardPath(split, batch);
      OutputFiles.write(outputDir, path, bytes);
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      c.output(KV.of(split, new ShardFile(path, block.size, bytes.length, sha)));
      shardsWritten.inc();
      long n = WRITTEN.incrementAndGet();
      if (n % 500 == 0) {
        LOG.info("wrote {} shard files so far", n);
      }
    }
  }
}
