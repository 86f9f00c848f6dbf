package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.ChunkLayout;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.core.RowChunk;
import dev.shardcast.transforms.read.CsvSource;
import dev.shardcast.transforms.read.ParquetSource;
import dev.shardcast.transforms.quality.DatasetProfile;
import dev.shardcast.transforms.quality.RowChecks;
import dev.shardcast.transforms.quality.RuleSet;
import dev.shardcast.transforms.read.RowRouter;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import dev.shardcast.transforms.config.InputPaths;
import dev.shardcast.transforms.store.S3Clients;
import dev.shardcast.transforms.store.S3InputFile;
import dev.shardcast.transforms.store.S3ObjectStream;
import dev.shardcast.transforms.store.S3Location;
import dev.shardcast.transforms.store.ShardcastS3Options;
import org.apache.beam.sdk.options.PipelineOptions;
import software.amazon.awssdk.services.s3.S3Client;
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
  /** One data-set profile per file, of the rows the rules accepted. */
  public static final TupleTag<DatasetProfile> PROFILES = new TupleTag<>() {};

  /** Rows a reader buffers before it emits its chunks. */
  static final int MAX_BUFFERED_ROWS = 200_000;

  private final JobPlan plan;
  /** An incremental span's new files (as the match lists them); null: every file the inputs match. */
  private final java.util.TreeSet<String> onlyFiles;

  public ReadSeries(JobPlan plan) {
    this(plan, null);
  }

  public ReadSeries(JobPlan plan, java.util.Collection<String> onlyFiles) {
    this.plan = plan;
    this.onlyFiles = onlyFiles == null ? null : new java.util.TreeSet<>(onlyFiles);
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    // One branch per named source (Unified): each has its own path, format, column names and units.
    List<PCollectionTuple> perSource = new ArrayList<>();
    List<JobConfig.Source> sources = plan.sources();
    for (int i = 0; i < sources.size(); i++) {
      String name = sources.size() == 1 ? "" : "[" + sources.get(i).name() + "]";
      perSource.add(match(begin, sources.get(i).path(), plan.sourcePathKey(i), name, onlyFiles)
          .apply("OpenInputs" + name, FileIO.readMatches())
          .apply("PlanReadParts" + name, ParDo.of(new PlanPartsFn(plan, i)))
          .setCoder(KvCoder.of(org.apache.beam.sdk.io.ReadableFileCoder.of(), org.apache.beam.sdk.coders.VarIntCoder.of()))
          .apply("SpreadReadParts" + name, org.apache.beam.sdk.transforms.Reshuffle.viaRandomKey())
          .apply("ParseRows" + name, ParDo.of(new ReadFileFn(plan, i))
              .withOutputTags(CHUNKS, TupleTagList.of(QUARANTINE).and(COUNTS).and(FILES).and(PROFILES))));
    }
    PCollectionTuple out = PCollectionTuple.empty(begin.getPipeline());
    out = out.and(CHUNKS, flatten(perSource, CHUNKS, "Chunks",
        KvCoder.of(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()), new BlockCoders.RowChunkCoder())));
    out = out.and(QUARANTINE, flatten(perSource, QUARANTINE, "Quarantine", KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())));
    out = out.and(COUNTS, flatten(perSource, COUNTS, "Counts", KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())));
    out = out.and(FILES, flatten(perSource, FILES, "Files", KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())));
    out = out.and(PROFILES, flatten(perSource, PROFILES, "Profiles", new DatasetProfileCoder()));
    return out;
  }

  /**
   * The input's files. A local glob is matched here by {@link InputPaths} (it lists only the
   * folders the glob can reach) and the pipeline gets the file names: Beam's own matcher walks the
   * whole tree below the glob's parent, which for {@code /*.csv} is the whole disk. Remote globs
   * (S3 lists by prefix) are matched by Beam.
   */
  private static PCollection<org.apache.beam.sdk.io.fs.MatchResult.Metadata> match(PBegin begin, String spec, String key,
      String name, java.util.TreeSet<String> onlyFiles) {
    if (!InputPaths.isLocal(spec)) {
      PCollection<org.apache.beam.sdk.io.fs.MatchResult.Metadata> all = begin.apply("MatchInputs" + name,
          FileIO.match().filepattern(spec).withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW));
      return onlyFiles == null ? all : all.apply("OnlyNewFiles" + name,
          org.apache.beam.sdk.transforms.Filter.by(m -> onlyFiles.contains(m.resourceId().toString())));
    }
    List<String> files;
    try {
      files = InputPaths.match(key, spec);
      if (onlyFiles != null) {
        files = files.stream().filter(onlyFiles::contains).toList();
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return begin
        .apply("ListInputs" + name, org.apache.beam.sdk.transforms.Create.of(files).withCoder(StringUtf8Coder.of()))
        // No reshuffle of the listed files (a stage of its own): the read parts are spread after planning,
        // and planning a local file is one footer read from disk.
        .apply("MatchInputs" + name, FileIO.matchAll().withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW)
            .withOutputParallelization(false));
  }

  private static <T> PCollection<T> flatten(List<PCollectionTuple> parts, TupleTag<T> tag, String name,
      org.apache.beam.sdk.coders.Coder<T> coder) {
    List<PCollection<T>> list = new ArrayList<>();
    for (PCollectionTuple t : parts) {
      list.add(t.get(tag).setCoder(coder));
    }
    if (list.size() == 1) {
      return list.get(0);
    }
    return PCollectionList.of(list).apply("AllSources" + name, Flatten.pCollections()).setCoder(coder);
  }

  /**
   * Splits each Parquet file into read parts (runs of whole row groups, {@link ParquetSource#PART_ROWS}
   * rows at least) that the reshuffle after it spreads over the workers; a CSV file is one part, -1.
   */
  static final class PlanPartsFn extends DoFn<FileIO.ReadableFile, KV<FileIO.ReadableFile, Integer>> {
    private static final Logger LOG = LoggerFactory.getLogger(PlanPartsFn.class);
    private final JobPlan plan;
    private final int sourceIndex;
    private final LazyS3 s3 = new LazyS3();

    PlanPartsFn(JobPlan plan, int sourceIndex) {
      this.plan = plan;
      this.sourceIndex = sourceIndex;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<KV<FileIO.ReadableFile, Integer>> out,
        PipelineOptions options) throws IOException {
      if (plan.sources().get(sourceIndex).format() != JobConfig.Format.PARQUET) {
        out.output(KV.of(file, -1));
        return;
      }
      String source = file.getMetadata().resourceId().toString();
      int parts = ParquetSource.partCount(parquetFile(file, source, s3, options), source);
      LOG.info("reading {} in {} part{}", source, parts, parts == 1 ? "" : "s");
      for (int p = 0; p < parts; p++) {
        out.output(KV.of(file, p));
      }
    }

    @Teardown
    public void teardown() {
      s3.close();
    }
  }

  /** A Parquet file as the reader wants it: exact ranged GETs in S3 (footer and projected chunks only). */
  private static org.apache.parquet.io.InputFile parquetFile(FileIO.ReadableFile file, String source, LazyS3 s3,
      PipelineOptions options) {
    if (S3Location.isS3(source)) {
      return new S3InputFile(s3.get(options), S3Location.parse(source), file.getMetadata().sizeBytes());
    }
    return ParquetSource.inputFile(file::openSeekable);
  }

  /** One S3 client per DoFn instance, built on first use (a local job never builds one). */
  static final class LazyS3 implements java.io.Serializable {
    private transient S3Client client;

    S3Client get(PipelineOptions options) {
      if (client == null) {
        client = S3Clients.create(ShardcastS3Options.settings(options.as(ShardcastS3Options.class)));
      }
      return client;
    }

    void close() {
      if (client != null) {
        client.close();
        client = null;
      }
    }
  }

  static final class ReadFileFn extends DoFn<KV<FileIO.ReadableFile, Integer>, KV<KV<String, Long>, RowChunk>> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadFileFn.class);
    /** Rows a reader counts before it adds them to the progress counter (a counter update per row costs). */
    static final int COUNT_EVERY = 10_000;
    private final JobPlan plan;
    private final int sourceIndex;
    private final org.apache.beam.sdk.metrics.Counter rowsRead = ProgressCounters.counter(ProgressCounters.ROWS_READ);
    private transient RuleSet rules;

    ReadFileFn(JobPlan plan, int sourceIndex) {
      this.plan = plan;
      this.sourceIndex = sourceIndex;
    }

    @Setup
    public void setup() {
      rules = RuleSet.compile(plan);
    }

    private final LazyS3 s3 = new LazyS3();

    @Teardown
    public void teardown() {
      s3.close();
    }

    /**
     * A CSV file's bytes. An uncompressed object in S3 is streamed by {@link S3ObjectStream}, which
     * resumes a body cut off mid-way (Beam's S3 channel fails the read); anything else through Beam.
     */
    private java.io.InputStream csvBytes(FileIO.ReadableFile file, String source, PipelineOptions options)
        throws IOException {
      if (S3Location.isS3(source) && file.getCompression() == org.apache.beam.sdk.io.Compression.UNCOMPRESSED) {
        ShardcastS3Options o = options.as(ShardcastS3Options.class);
        return new S3ObjectStream(s3.get(options), S3Location.parse(source), file.getMetadata().sizeBytes(),
            ShardcastS3Options.settings(o).retryPolicy().maxAttempts());
      }
      return Channels.newInputStream(file.open());
    }

    @ProcessElement
    public void process(@Element KV<FileIO.ReadableFile, Integer> filePart, MultiOutputReceiver out,
        PipelineOptions options) throws IOException {
      FileIO.ReadableFile file = filePart.getKey();
      int part = filePart.getValue();
      String source = file.getMetadata().resourceId().toString();
      long started = System.nanoTime();
      JobConfig.Source src = plan.sources().get(sourceIndex);
      RowChecks checks = new RowChecks(plan, rules, src);
      RowRouter router = new RowRouter(plan, ChunkLayout.of(plan), plan.eventBucketMillis(), source, src.name(),
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
      CountingSink sink = new CountingSink(router, rowsRead);
      long rows;
      if (src.format() == JobConfig.Format.PARQUET) {
        org.apache.parquet.io.InputFile in = parquetFile(file, source, s3, options);
        rows = ParquetSource.read(plan, src, checks, source, in, part, sink);
        if (in instanceof S3InputFile s3File) {
          out.get(COUNTS).output(KV.of("input_bytes_fetched", s3File.bytesFetched()));
        }
      } else {
        try (BufferedReader reader = new BufferedReader(new java.io.InputStreamReader(csvBytes(file, source, options),
            StandardCharsets.UTF_8.newDecoder()), 1 << 16)) {
          rows = CsvSource.read(plan, src, checks, source, reader, sink);
        }
      }
      router.flush();
      // The reader's own count is the exact one: the counter ends equal to rows_read.
      rowsRead.inc(rows - sink.counted);
      out.get(COUNTS).output(KV.of("rows_read", rows));
      out.get(COUNTS).output(KV.of("source." + src.name() + ".rows_read", rows));
      checks.counts((k, v) -> out.get(COUNTS).output(KV.of(k, v)));
      out.get(PROFILES).output(checks.profile());
      if (part <= 0) {
        out.get(COUNTS).output(KV.of("files_read", 1L));
        out.get(FILES).output(KV.of(source, file.getMetadata().sizeBytes()));
      }
      // One line per file; a Parquet file read in parts (one per 100 k rows and more) logs its parts at DEBUG.
      if (part < 0) {
        LOG.info("read {} rows ({} quarantined) from {} in {} ms", rows, router.quarantined(), source,
            (System.nanoTime() - started) / 1_000_000);
      } else {
        LOG.debug("read {} rows ({} quarantined) from {} (part {}) in {} ms", rows, router.quarantined(), source, part,
            (System.nanoTime() - started) / 1_000_000);
      }
    }
  }

  /**
   * Passes every row on to the router and adds to the rows-read progress counter every
   * {@link ReadFileFn#COUNT_EVERY} rows, so a large file shows progress while it is read.
   */
  static final class CountingSink implements dev.shardcast.transforms.read.RowSink {
    private final dev.shardcast.transforms.read.RowSink next;
    private final org.apache.beam.sdk.metrics.Counter counter;
    private long pending;
    long counted;

    CountingSink(dev.shardcast.transforms.read.RowSink next, org.apache.beam.sdk.metrics.Counter counter) {
      this.next = next;
      this.counter = counter;
    }

    @Override
    public void row(String series, long epochMillis, long line, double[] values) {
      next.row(series, epochMillis, line, values);
      count();
    }

    @Override
    public void quarantine(QuarantineRecord record) {
      next.quarantine(record);
      count();
    }

    private void count() {
      if (++pending == ReadFileFn.COUNT_EVERY) {
        counter.inc(pending);
        counted += pending;
        pending = 0;
      }
    }
  }
}
