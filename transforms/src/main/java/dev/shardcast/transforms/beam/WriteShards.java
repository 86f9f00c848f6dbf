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
public final class WriteShards<T> extends PTransform<PCollection<KV<String, T>>, PCollection<KV<String, ShardFile>>> {
  /** How one file's content becomes bytes, per layout. */
  public interface Encoding<T> extends java.io.Serializable {
    byte[] encode(ShardSchema schema, T content) throws IOException;

    long windows(T content);
  }

  private final JobPlan plan;
  private final String outputDir;
  private final PCollectionView<String> verdict;
  private final Encoding<T> encoding;

  private WriteShards(JobPlan plan, String outputDir, PCollectionView<String> verdict, Encoding<T> encoding) {
    this.plan = plan;
    this.outputDir = outputDir;
    this.verdict = verdict;
    this.encoding = encoding;
  }

  /** @param verdict the data-quality verdict: nothing is written when it is fail */
  public static WriteShards<WindowBlock> windows(JobPlan plan, String outputDir, PCollectionView<String> verdict) {
    return new WriteShards<>(plan, outputDir, verdict, new Encoding<>() {
      @Override
      public byte[] encode(ShardSchema schema, WindowBlock block) throws IOException {
        return ShardWriter.encode(schema, block);
      }

      @Override
      public long windows(WindowBlock block) {
        return block.size;
      }
    });
  }

  /** The compact layout: a file's segments, in rank order. */
  public static WriteShards<java.util.List<dev.shardcast.transforms.core.WindowSegment>> compact(JobPlan plan,
      String outputDir, PCollectionView<String> verdict) {
    return new WriteShards<>(plan, outputDir, verdict, new Encoding<>() {
      @Override
      public byte[] encode(ShardSchema schema, java.util.List<dev.shardcast.transforms.core.WindowSegment> segments)
          throws IOException {
        return dev.shardcast.transforms.shard.CompactShardWriter.encode(schema, segments);
      }

      @Override
      public long windows(java.util.List<dev.shardcast.transforms.core.WindowSegment> segments) {
        return segments.stream().mapToLong(dev.shardcast.transforms.core.WindowSegment::windows).sum();
      }
    });
  }

  @Override
  public PCollection<KV<String, ShardFile>> expand(PCollection<KV<String, T>> batches) {
    return batches
        .apply("WriteShardFiles", ParDo.of(new WriteFn<>(plan, outputDir, verdict, encoding)).withSideInputs(verdict))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(ShardFile.class)));
  }

  static final class WriteFn<T> extends DoFn<KV<String, T>, KV<String, ShardFile>> {
    private static final Logger LOG = LoggerFactory.getLogger(WriteFn.class);
    private static final AtomicLong WRITTEN = new AtomicLong();
    private final JobPlan plan;
    private final String outputDir;
    private final PCollectionView<String> verdict;
    private final Encoding<T> encoding;
    private final org.apache.beam.sdk.metrics.Counter shardsWritten = ProgressCounters.counter(ProgressCounters.SHARDS);
    private transient ShardSchema schema;

    WriteFn(JobPlan plan, String outputDir, PCollectionView<String> verdict, Encoding<T> encoding) {
      this.encoding = encoding;
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
      T content = c.element().getValue();
      byte[] bytes = encoding.encode(schema, content);
      String path = ShardSchema.shardPath(split, batch);
      OutputFiles.write(outputDir, path, bytes);
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      c.output(KV.of(split, new ShardFile(path, encoding.windows(content), bytes.length, sha)));
      shardsWritten.inc();
      long n = WRITTEN.incrementAndGet();
      if (n % 500 == 0) {
        LOG.info("wrote {} shard files so far", n);
      }
    }
  }
}
