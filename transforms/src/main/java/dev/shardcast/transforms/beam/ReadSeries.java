package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.ChunkLayout;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.core.RowChunk;
import dev.shardcast.transforms.read.CsvSource;
import dev.shardcast.transforms.read.ParquetSource;
import dev.shardcast.transforms.read.RowRouter;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches the input files and reads each one (CSV or Parquet, only the configured columns) into
 * {@link RowChunk}s keyed by (series, chunk). Unparseable rows leave through {@link #QUARANTINE}.
 */
public final class ReadSeries extends PTransform<PBegin, PCollectionTuple> {
  public static final TupleTag<KV<KV<String, Long>, RowChunk>> CHUNKS = new TupleTag<>() {};
  public static final TupleTag<KV<String, String>> QUARANTINE = new TupleTag<>() {};
  public static final TupleTag<KV<String, Long>> COUNTS = new TupleTag<>() {};
  public static final TupleTag<KV<String, Long>> FILES = new TupleTag<>() {};

  /** Rows a reader buffers before it emits its chunks. */
  static final int MAX_BUFFERED_ROWS = 200_000;

  private final JobPlan plan;

  public ReadSeries(JobPlan plan) {
    this.plan = plan;
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    PCollectionTuple out =
        begin
            .apply("MatchInputs", FileIO.match().filepattern(plan.config().input().path())
                .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
            .apply("OpenInputs", FileIO.readMatches())
            .apply("ParseRows", ParDo.of(new ReadFileFn(plan))
                .withOutputTags(CHUNKS, TupleTagList.of(QUARANTINE).and(COUNTS).and(FILES)));
    out.get(CHUNKS).setCoder(KvCoder.of(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()), new BlockCoders.RowChunkCoder()));
    out.get(QUARANTINE).setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    out.get(COUNTS).setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
    out.get(FILES).setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
    return out;
  }

  static final class ReadFileFn extends DoFn<FileIO.ReadableFile, KV<KV<String, Long>, RowChunk>> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadFileFn.class);
    private final JobPlan plan;

    ReadFileFn(JobPlan plan) {
      this.plan = plan;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) throws IOException {
      String source = file.getMetadata().resourceId().toString();
      long started = System.nanoTime();
      RowRouter router = new RowRouter(plan, ChunkLayout.of(plan), plan.eventBucketMillis(), source,
          new RowRouter.Output() {
            @Override
            public void chunk(String series, long chunk, RowChunk rows) {
              out.get(CHUNKS).output(KV.of(KV.of(series, chunk), rows));
            }

            @Override
            public void quarantine(QuarantineRecord record) {
              out.get(QUARANTINE).output(KV.of(record.sortKey(), record.toJson()));
            }
          },
          MAX_BUFFERED_ROWS);
      long rows;
      if (plan.config().input().format() == JobConfig.Format.PARQUET) {
        rows = ParquetSource.read(plan, source, file::openSeekable, router);
      } else {
        try (BufferedReader reader =
            new BufferedReader(Channels.newReader(file.open(), StandardCharsets.UTF_8), 1 << 16)) {
          rows = CsvSource.read(plan, source, reader, router);
        }
      }
      router.flush();
      out.get(COUNTS).output(KV.of("rows_read", rows));
      out.get(COUNTS).output(KV.of("files_read", 1L));
      out.get(FILES).output(KV.of(source, file.getMetadata().sizeBytes()));
      LOG.info("read {} rows ({} quarantined) from {} in {} ms", rows, router.quarantined(), source,
          (System.nanoTime() - started) / 1_000_000);
    }
  }
}
