package dev.shardcast.pipelines;

import static dev.shardcast.pipelines.ItSupport.SPLITS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.transforms.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code frequency: none}: events at irregular times, windowed over consecutive events. The data is
 * generated (fixed seed): three sensors over ~2 weeks, rows in shuffled file order, timestamps in
 * several ISO spellings, events that share an instant (also spelled differently), and empty cells.
 * The expected windows come from a direct loop over the spec: rank every event by (time, line in the
 * file) — events that share an instant are real events and all kept — and start windows at ranks
 * 0, stride, 2*stride, ...
 */
class IrregularTest {
  private static final int PAST = 3;
  private static final int LEAD = 1;
  private static final int FUTURE = 2;
  private static final int STRIDE = 2;
  private static final long TRAIN_END = Instant.parse("2024-01-08T00:00:00Z").toEpochMilli();
  private static final long VAL_END = Instant.parse("2024-01-11T00:00:00Z").toEpochMilli();

  /** One parsed event: x is the target (and an input), y an input only; null = empty cell. */
  record Event(String sensor, long time, Double x, Double y) {}

  @TempDir static Path tmp;
  private static Path out;
  private static JsonNode manifest;
  private static long dataRows;
  private static long tiedRows;
  private static long rowsWindowed;
  private static long straddling;
  /** Per split, "sensor|window start" of every expected window (ties make a key repeat). */
  private static final List<List<String>> EXPECTED = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
  /** sensor -> events in rank order: by time, then by line in the file. */
  private static final Map<String, List<Event>> RANKED = new TreeMap<>();
  private static final List<Event> TRAIN_ROWS = new ArrayList<>();

  @BeforeAll
  static void generateAndRun() throws Exception {
    Path csv = tmp.resolve("events.csv");
    Files.writeString(csv, generate());
    computeExpected(Files.readAllLines(csv));
    out = tmp.resolve("out");
    String yaml = String.join("\n",
        "name: events",
        "input:",
        "  path: " + csv,
        "  series_key: [sensor]",
        "  timestamp: {column: ts, format: iso}",
        "  frequency: none",
        "  chunk_points: 1", // the smallest chunks (22 ranks here), so ranks cross chunk boundaries
        "  columns: [{name: x, type: double, target: true}, {name: y, type: double}]",
        "windowing: {past: " + PAST + ", future: " + FUTURE + ", lead: " + LEAD + ", stride: " + STRIDE + "}",
        "split: {train_end: '2024-01-08T00:00:00Z', val_end: '2024-01-11T00:00:00Z'}",
        "scaler: {type: standard, sample_size: 100000}",
        "shards: {batch_size: 16, seed: 3, output: " + out + "}",
        "");
    ItSupport.run(ConfigLoader.loadYaml(yaml, List.of()));
    manifest = ItSupport.manifest(out);
  }

  private static String generate() {
    Random rnd = new Random(20240101);
    List<String> rows = new ArrayList<>();
    Map<String, Integer> sizes = Map.of("s1", 75, "s2", 60, "s3", 8);
    for (String sensor : new TreeMap<>(sizes).keySet()) {
      LocalDateTime t = LocalDateTime.of(2024, 1, 1, 0, 0).plusMinutes(rnd.nextInt(600));
      for (int i = 0; i < sizes.get(sensor); i++) {
        t = t.plusSeconds(60 + rnd.nextInt(36_000)); // 1 min .. 10 h apart
        String x = rnd.nextDouble() < 0.05 ? "" : String.format("%.3f", 10 + 5 * Math.sin(i / 4.0) + rnd.nextGaussian());
        String y = rnd.nextDouble() < 0.05 ? "" : Integer.toString(100 + rnd.nextInt(50));
        rows.add(sensor + "," + spell(t, rnd.nextInt(3)) + "," + x + "," + y);
        double d = rnd.nextDouble();
        if (d < 0.06) {
          // The same instant at UTC+2: a duplicate however it is written.
          rows.add(sensor + "," + t.plusHours(2).atOffset(ZoneOffset.ofHours(2)) + ",1.0,1");
        } else if (d < 0.08) {
          rows.add(sensor + "," + spell(t, 0) + "," + x + ",7");
          rows.add(sensor + "," + spell(t, 1) + ",2.0,");
        }
      }
    }
    Collections.shuffle(rows, rnd);
    return "sensor,ts,x,y\n" + String.join("\n", rows) + "\n";
  }

  private static String spell(LocalDateTime t, int form) {
    return switch (form) {
      case 0 -> t + "Z";
      case 1 -> t.atOffset(ZoneOffset.UTC).toString().replace("Z", "+00:00");
      default -> t.toString(); // no offset: UTC
    };
  }

  private static void computeExpected(List<String> lines) {
    Map<String, Map<Long, List<Event>>> bySensor = new TreeMap<>();
    for (String line : lines.subList(1, lines.size())) {
      dataRows++;
      String[] f = line.split(",", -1);
      String ts = f[1];
      long time = ts.endsWith("Z") || ts.lastIndexOf('+') > 10
          ? OffsetDateTime.parse(ts).toInstant().toEpochMilli()
          : LocalDateTime.parse(ts).toInstant(ZoneOffset.UTC).toEpochMilli();
      Event e = new Event(f[0], time, f[2].isEmpty() ? null : Double.valueOf(f[2]), f[3].isEmpty() ? null : Double.valueOf(f[3]));
      bySensor.computeIfAbsent(f[0], k -> new TreeMap<>()).computeIfAbsent(time, k -> new ArrayList<>()).add(e);
    }
    for (Map.Entry<String, Map<Long, List<Event>>> s : bySensor.entrySet()) {
      List<Event> ev = new ArrayList<>();
      for (List<Event> atTime : s.getValue().values()) {
        if (atTime.size() > 1) {
          tiedRows += atTime.size();
        }
        ev.addAll(atTime); // file order within an instant: the lines were read top to bottom
      }
      RANKED.put(s.getKey(), ev);
      for (Event e : ev) {
        if (e.time() < TRAIN_END) {
          TRAIN_ROWS.add(e);
        }
      }
      boolean[] covered = new boolean[ev.size()];
      int span = PAST + LEAD + FUTURE;
      for (int start = 0; start + span <= ev.size(); start += STRIDE) {
        boolean ok = true;
        for (int r = start; r < start + PAST; r++) {
          ok &= ev.get(r).x() != null && ev.get(r).y() != null;
        }
        for (int r = start + PAST + LEAD; r < start + span; r++) {
          ok &= ev.get(r).x() != null;
        }
        if (!ok) {
          continue;
        }
        long first = ev.get(start + PAST + LEAD).time();
        long last = ev.get(start + span - 1).time();
        int split = last < TRAIN_END ? 0 : first >= TRAIN_END && last < VAL_END ? 1 : first >= VAL_END ? 2 : -1;
        if (split >= 0) {
          EXPECTED.get(split).add(s.getKey() + "|" + ev.get(start).time());
        } else {
          straddling++;
        }
        for (int r = start; r < start + span; r++) {
          covered[r] |= r < start + PAST || r >= start + PAST + LEAD;
        }
      }
      for (boolean c : covered) {
        rowsWindowed += c ? 1 : 0;
      }
    }
  }

  @Test
  void windowsPerSplitMatchTheDirectComputation() throws Exception {
    assertTrue(tiedRows >= 6, "the generated data should hold events that share an instant: " + tiedRows);
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      for (int s = 0; s < SPLITS.length; s++) {
        assertFalse(EXPECTED.get(s).isEmpty(), "no expected " + SPLITS[s] + " windows");
        assertEquals(EXPECTED.get(s).size(), ItSupport.count(manifest, "windows_" + SPLITS[s]), SPLITS[s]);
        List<String> got = new ArrayList<>(ItSupport.windowKeys(duck, out, SPLITS[s]));
        List<String> want = new ArrayList<>(EXPECTED.get(s));
        Collections.sort(got);
        Collections.sort(want);
        assertEquals(want, got, SPLITS[s]);
      }
    }
    assertEquals(straddling, ItSupport.count(manifest, "windows_straddling"));
  }

  @Test
  void countsReconcile() {
    assertEquals(dataRows, ItSupport.count(manifest, "rows_read"));
    assertEquals(0, ItSupport.count(manifest, "rows_quarantined"), "events that share an instant are kept");
    assertEquals(tiedRows, ItSupport.count(manifest, "events_sharing_timestamp"));
    assertEquals(rowsWindowed, ItSupport.count(manifest, "rows_windowed"));
    assertEquals(dataRows, ItSupport.count(manifest, "rows_windowed") + ItSupport.count(manifest, "rows_unused")
        + ItSupport.count(manifest, "rows_quarantined"));
    assertEquals(3, ItSupport.count(manifest, "series"));
    long shortSeries = RANKED.values().stream().filter(ev -> ev.size() < PAST + LEAD + FUTURE).count();
    assertEquals(shortSeries, ItSupport.count(manifest, "short_series"));
  }

  /** Values follow rank order: past x/y are the events at ranks s..s+2, future x at s+4, s+5. */
  @Test
  void windowValuesAreConsecutiveEvents() throws Exception {
    double mx = TRAIN_ROWS.stream().filter(e -> e.x() != null).mapToDouble(Event::x).average().orElseThrow();
    double sx = Math.sqrt(TRAIN_ROWS.stream().filter(e -> e.x() != null).mapToDouble(e -> (e.x() - mx) * (e.x() - mx))
        .average().orElseThrow());
    JsonNode px = manifest.path("scaler").path("global").path("x");
    assertEquals(mx, px.path("center").asDouble(), 1e-9);
    assertEquals(sx, px.path("scale").asDouble(), 1e-9);
    JsonNode py = manifest.path("scaler").path("global").path("y");
    Map<String, Map<Long, List<Integer>>> ranksAt = new HashMap<>();
    RANKED.forEach((sensor, ev) -> {
      Map<Long, List<Integer>> m = new HashMap<>();
      for (int i = 0; i < ev.size(); i++) {
        m.computeIfAbsent(ev.get(i).time(), k -> new ArrayList<>()).add(i);
      }
      ranksAt.put(sensor, m);
    });
    Set<String> seen = new HashSet<>();
    int windows = 0;
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      List<Path> all = new ArrayList<>();
      for (String split : SPLITS) {
        all.addAll(ItSupport.shardFiles(out, split));
      }
      for (List<Object> r : duck.rows("DESCRIBE SELECT * FROM " + ItSupport.parquetOf(all))) {
        assertFalse(((String) r.get(0)).endsWith("_filled"), "no fill masks without a gap policy: " + r.get(0));
      }
      for (List<Object> r : duck.rows("SELECT series_key, epoch_ms(window_start), epoch_ms(forecast_start), past_x, "
          + "past_y, future_x FROM " + ItSupport.parquetOf(all))) {
        String sensor = (String) r.get(0);
        List<Event> ev = RANKED.get(sensor);
        double[] pastX = ItSupport.floats(r.get(3));
        double[] pastY = ItSupport.floats(r.get(4));
        double[] futX = ItSupport.floats(r.get(5));
        // Events that share the start instant: the window is the one whose values it holds.
        Integer match = null;
        for (int s : ranksAt.get(sensor).get(((Number) r.get(1)).longValue())) {
          boolean ok = s % STRIDE == 0 && !seen.contains(sensor + "#" + s) && s + PAST + LEAD + FUTURE <= ev.size()
              && ev.get(s + PAST + LEAD).time() == ((Number) r.get(2)).longValue();
          for (int t = 0; t < PAST && ok; t++) {
            ok = near(ev.get(s + t).x(), pastX[t] * sx + mx)
                && near(ev.get(s + t).y(), pastY[t] * py.path("scale").asDouble() + py.path("center").asDouble());
          }
          for (int t = 0; t < FUTURE && ok; t++) {
            ok = near(ev.get(s + PAST + LEAD + t).x(), futX[t] * sx + mx);
          }
          if (ok) {
            match = s;
            break;
          }
        }
        assertTrue(match != null, "no run of consecutive events (on the stride grid) holds window " + r);
        seen.add(sensor + "#" + match);
        windows++;
      }
    }
    assertEquals(EXPECTED.stream().mapToInt(List::size).sum(), windows);
  }

  private static boolean near(Double expected, double got) {
    return expected != null && Math.abs(expected - got) < 1e-3;
  }
}
