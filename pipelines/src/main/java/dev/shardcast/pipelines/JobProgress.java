package dev.shardcast.pipelines;

import dev.shardcast.transforms.beam.ProgressCounters;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A progress line every few seconds while a prepare job runs (rows read, windows made, shards
 * written, from the pipeline's Beam counters), so a long job is never silent, and a last one with
 * the final counts. A background thread polls a {@link Source}; the source is set once the runner can
 * be asked (the Direct runner after {@code run()} returns, Flink before: its {@code run()} blocks).
 */
final class JobProgress implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobProgress.class);
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  /** The three counters at one moment. */
  record Counts(long rowsRead, long windows, long shards) {
    static final Counts NONE = new Counts(0, 0, 0);

    /** The counters' attempted values (committed ones are not reported by every runner), summed over steps. */
    static Counts of(MetricResults metrics) {
      return new Counts(sum(metrics, ProgressCounters.ROWS_READ), sum(metrics, ProgressCounters.WINDOWS),
          sum(metrics, ProgressCounters.SHARDS));
    }

    private static long sum(MetricResults metrics, String name) {
      MetricQueryResults r = metrics.queryMetrics(MetricsFilter.builder()
          .addNameFilter(MetricNameFilter.named(ProgressCounters.NAMESPACE, name)).build());
      long total = 0;
      for (MetricResult<Long> c : r.getCounters()) {
        Long v = c.getAttempted();
        total += v == null ? 0 : v;
      }
      return total;
    }
  }

  /** One progress report: the counts (null while the runner has none yet), a note, the line logged. */
  record Report(Counts counts, boolean done, String line) {}

  /** Asks the runner for the counters; null when it cannot tell yet (job not started). */
  interface Source {
    Counts poll() throws Exception;

    /** What the job is waiting for when {@link #poll} has nothing, e.g. "waiting for the Flink job to start". */
    default String waiting() {
      return "starting";
    }

    /** Releases what the source holds (a REST client). */
    default void close() {}
  }

  private final Duration interval;
  private final Consumer<Report> listener;
  private final long started = System.nanoTime();
  private final Thread thread;
  private volatile Source source;
  private volatile boolean stopped;
  private Counts last;

  private JobProgress(Duration interval, Consumer<Report> listener) {
    this.interval = interval;
    this.listener = listener;
    this.thread = new Thread(this::loop, "shardcast-progress");
    thread.setDaemon(true);
  }

  /** Starts the thread; nothing is logged before the first interval has passed. */
  static JobProgress start(Duration interval, Consumer<Report> listener) {
    JobProgress p = new JobProgress(interval, listener);
    p.thread.start();
    return p;
  }

  void watch(Source s) {
    Source old = source;
    source = s;
    if (old != null) {
      old.close();
    }
  }

  /** The last line: the job's final counters. */
  void done(Counts counts) {
    stop();
    report(new Report(counts, true, "progress: done: " + describe(counts) + " in " + elapsed()));
  }

  @Override
  public void close() {
    stop();
    Source s = source;
    if (s != null) {
      s.close();
    }
  }

  private void stop() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join(interval.toMillis() + 5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    while (!stopped) {
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      Source s = source;
      Counts counts = null;
      String note = "starting";
      if (s != null) {
        try {
          counts = s.poll();
          if (counts != null) {
            last = counts;
          }
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // A missed poll (a runner busy finishing, a REST hiccup): the line repeats the last counts.
          LOG.debug("progress poll failed", e);
          counts = last;
        }
        note = s.waiting();
      }
      if (stopped) {
        return;
      }
      report(new Report(counts, false, counts == null
          ? "progress: " + note + " (" + elapsed() + ")"
          : "progress: " + describe(counts) + " (" + elapsed() + ")"));
    }
  }

  private void report(Report r) {
    LOG.info(r.line());
    listener.accept(r);
  }

  static String describe(Counts c) {
    return String.format("%,d rows read, %,d windows made, %,d shards written", c.rowsRead(), c.windows(), c.shards());
  }

  private String elapsed() {
    long s = Duration.ofNanos(System.nanoTime() - started).toSeconds();
    return s < 60 ? s + " s" : String.format("%d min %02d s", s / 60, s % 60);
  }
}
