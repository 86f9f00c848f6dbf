package dev.shardcast.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardcast.training.train.RunLog;
import dev.shardcast.training.TrainJob;
import dev.shardcast.training.io.AtomicFiles;
import dev.shardcast.training.report.RunLogHistory;
import dev.shardcast.training.report.SweepReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A sweep's scores: the state line of a trial, and the ranked table of all of them. */
final class SweepTable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SweepTable.class);

  private SweepTable() {}

  /** One trial's row; {@code finished} false for a trial without a state line (failed or not yet run). */
  record Row(String id, String params, boolean finished, Double valLoss, Double valMae, Double valMase, Double testMae,
      Double testMase, int epochs) {}

  /** The state line: id, parameters by name, and val/test scores from the trial's metrics. */
  @SuppressWarnings("unchecked")
  static ObjectNode scores(String id, Map<String, String> params, Map<String, Object> metrics, int epochs,
      double seconds) {
    ObjectNode n = RunLog.json().createObjectNode();
    n.put("trial", id);
    n.set("params", RunLog.json().valueToTree(params));
    Map<String, Object> val = all(metrics.get("val"));
    Map<String, Object> test = all(metrics.get("test"));
    put(n, "val_loss", metrics.get("best_val_loss"));
    put(n, "val_mae", val.get("mae"));
    put(n, "val_mase", val.get("mase_seasonal_naive"));
    put(n, "test_mae", test.get("mae"));
    put(n, "test_mase", test.get("mase_seasonal_naive"));
    n.put("epochs", epochs);
    n.put("seconds", Math.round(seconds * 10) / 10.0);
    n.put("finished_at", java.time.Instant.now().toString());
    return n;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> all(Object split) {
    if (split instanceof Map<?, ?> m && m.get("all") instanceof Map<?, ?> a) {
      return (Map<String, Object>) a;
    }
    return Map.of();
  }

  private static void put(ObjectNode n, String key, Object v) {
    if (v instanceof Number x && Double.isFinite(x.doubleValue())) {
      n.put(key, x.doubleValue());
    } else {
      n.putNull(key);
    }
  }

  /**
   * The sweep's trials, best first: by val MAE in original units (the same val windows for every
   * trial, whatever its loss; the test split is never used to choose), unscored and unfinished last.
   */
  static List<Row> rows(List<SweepCommand.Trial> trials, Map<String, JsonNode> finished) {
    List<Row> rows = new ArrayList<>();
    for (SweepCommand.Trial t : trials) {
      JsonNode n = finished.get(t.id());
      String params = SweepSpace.describe(t.params());
      rows.add(n == null ? new Row(t.id(), params, false, null, null, null, null, null, 0)
          : new Row(t.id(), params, true, num(n, "val_loss"), num(n, "val_mae"), num(n, "val_mase"), num(n, "test_mae"),
              num(n, "test_mase"), n.path("epochs").asInt()));
    }
    rows.sort(Comparator.comparing((Row r) -> r.valMae() == null ? Double.POSITIVE_INFINITY : r.valMae())
        .thenComparing(Row::id));
    return rows;
  }

  private static Double num(JsonNode n, String key) {
    return n.path(key).isNumber() ? n.get(key).asDouble() : null;
  }

  static String render(List<Row> rows) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%4s  %-12s  %9s  %9s  %8s  %9s  %9s  %6s  %s%n",
        "rank", "trial", "val_loss", "val_MAE", "val_MASE", "test_MAE", "test_MASE", "epochs", "parameters"));
    int rank = 0;
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "%4s  %-12s  %9s  %9s  %8s  %9s  %9s  %6s  %s%n",
          r.finished() ? Integer.toString(++rank) : "-", r.id(), f(r.valLoss(), "%.5f"), f(r.valMae(), "%.4g"),
          f(r.valMase(), "%.3f"), f(r.testMae(), "%.4g"), f(r.testMase(), "%.3f"),
          r.finished() ? Integer.toString(r.epochs()) : "", r.params() + (r.finished() ? "" : "  (not finished)")));
    }
    return sb.toString();
  }

  private static String f(Double v, String format) {
    return v == null ? "n/a" : String.format(Locale.ROOT, format, v);
  }

  static void writeCsv(List<Row> rows, Path file) throws IOException {
    StringBuilder sb = new StringBuilder("rank,trial,finished,val_loss,val_mae,val_mase,test_mae,test_mase,epochs,params\n");
    int rank = 0;
    for (Row r : rows) {
      sb.append(r.finished() ? Integer.toString(++rank) : "").append(',').append(r.id()).append(',').append(r.finished())
          .append(',').append(c(r.valLoss())).append(',').append(c(r.valMae())).append(',').append(c(r.valMase()))
          .append(',').append(c(r.testMae())).append(',').append(c(r.testMase())).append(',').append(r.epochs())
          .append(",\"").append(r.params().replace("\"", "\"\"")).append("\"\n");
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@code sweep/report.html}: the same ranking with one column per parameter, and every trial's
   * val-loss curve read back from its run log (also for trials kept from an earlier sweep). Null
   * when it could not be written (logged): the trials, state and summary.csv are what a rerun needs.
   */
  static Path writeHtml(List<Row> rows, List<SweepCommand.Trial> trials, Path dir, String title) {
    try {
      return html(rows, trials, dir, title);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not write the sweep report in {}: {}", dir, e.toString(), e);
      return null;
    }
  }

  private static Path html(List<Row> rows, List<SweepCommand.Trial> trials, Path dir, String title) throws IOException {
    Map<String, SweepCommand.Trial> byId = new java.util.HashMap<>();
    trials.forEach(t -> byId.put(t.id(), t));
    List<SweepReport.Trial> out = new ArrayList<>();
    int rank = 0;
    for (Row r : rows) {
      SweepCommand.Trial t = byId.get(r.id());
      Path trialDir = Path.of(TrainJob.outputLocation(t.config()));
      String report = Files.isRegularFile(trialDir.resolve(SweepReport.FILE_NAME))
          ? dir.relativize(trialDir.resolve(SweepReport.FILE_NAME)).toString().replace('\\', '/') : null;
      out.add(new SweepReport.Trial(r.finished() ? ++rank : null, r.id(), t.params(), r.valLoss(), r.valMae(),
          r.valMase(), r.testMae(), r.testMase(), r.epochs(),
          RunLogHistory.read(trialDir.resolve(RunLog.FILE_NAME)).epochs(), report));
    }
    Path file = dir.resolve(SweepReport.FILE_NAME);
    Files.createDirectories(dir);
    AtomicFiles.write(file, new SweepReport(title, out).render().getBytes(StandardCharsets.UTF_8));
    return file;
  }

  private static String c(Double v) {
    return v == null ? "" : Double.toString(v);
  }
}
