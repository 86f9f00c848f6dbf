package dev.shardcast.pipelines;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The demo's expected windows, computed straight from the CSV with string splitting and a plain loop
 * over the spec (no project code): a window starting at month s takes months s..s+past-1 of every
 * input column and months s+past..s+past+future-1 of the target; a point is there if its cell is
 * non-empty, or (ffill) if it is at most maxFill months after the column's last non-empty value and
 * not after the series' last month. Split by the whole forecast: train when the last future month is
 * before train_end, val when the first is on/after train_end and the last before val_end, test when
 * the first is on/after val_end; a forecast that crosses a cut-off is in no split (split -1), but
 * its months still count as windowed.
 */
final class TxhousingOracle {
  static final String[] COLUMNS = {"sales", "volume", "median", "listings", "inventory"};
  static final int PAST = 24;
  static final int FUTURE = 6;
  static final int MAX_FILL = 2;
  static final int TRAIN_END = month("2013-01-01");
  static final int VAL_END = month("2014-03-01");

  static final int STRADDLING = -1;

  /** One window: city, first past month (year*12 + month-1), split (0 train, 1 val, 2 test, -1 straddling). */
  record Window(String city, int start, int split) {
    long startMillis() {
      return millis(start);
    }
  }

  /** city -> month -> raw cells (null where empty), in COLUMNS order. */
  final Map<String, TreeMap<Integer, Double[]>> raw = new TreeMap<>();
  /** city -> column -> month -> value after ffill (absent where the point is missing). */
  final Map<String, List<Map<Integer, Double>>> filled = new HashMap<>();
  final List<Window> windows = new ArrayList<>();
  long dataRows;
  long rowsWindowed;

  TxhousingOracle(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    String[] header = lines.get(0).split(",", -1);
    if (!String.join(",", header).equals("series_id,date,sales,volume,median,listings,inventory")) {
      throw new IllegalStateException("unexpected header " + lines.get(0));
    }
    for (String line : lines.subList(1, lines.size())) {
      if (line.isEmpty()) {
        continue;
      }
      dataRows++;
      String[] f = line.split(",", -1);
      Double[] cells = new Double[COLUMNS.length];
      for (int c = 0; c < COLUMNS.length; c++) {
        cells[c] = f[2 + c].isEmpty() ? null : Double.parseDouble(f[2 + c]);
      }
      Double[] previous = raw.computeIfAbsent(f[0], k -> new TreeMap<>()).put(month(f[1]), cells);
      if (previous != null) {
        throw new IllegalStateException("the demo data has a duplicate row: " + line);
      }
    }
    for (Map.Entry<String, TreeMap<Integer, Double[]>> e : raw.entrySet()) {
      windowCity(e.getKey(), e.getValue());
    }
  }

  private void windowCity(String city, TreeMap<Integer, Double[]> rows) {
    int first = rows.firstKey();
    int last = rows.lastKey();
    List<Map<Integer, Double>> cols = new ArrayList<>();
    for (int c = 0; c < COLUMNS.length; c++) {
      Map<Integer, Double> col = new HashMap<>();
      Integer lastObs = null;
      Double lastValue = null;
      for (int m = first; m <= last; m++) {
        Double[] row = rows.get(m);
        Double v = row == null ? null : row[c];
        if (v != null) {
          lastObs = m;
          lastValue = v;
          col.put(m, v);
        } else if (lastObs != null && m - lastObs <= MAX_FILL) {
          col.put(m, lastValue);
        }
      }
      cols.add(col);
    }
    filled.put(city, cols);
    Set<Integer> covered = new HashSet<>();
    for (int s = first; s + PAST + FUTURE - 1 <= last; s++) {
      boolean ok = true;
      for (int c = 0; c < COLUMNS.length && ok; c++) {
        for (int m = s; m < s + PAST && ok; m++) {
          ok = cols.get(c).containsKey(m);
        }
      }
      for (int m = s + PAST; m < s + PAST + FUTURE && ok; m++) {
        ok = cols.get(0).containsKey(m); // sales is the only target
      }
      if (!ok) {
        continue;
      }
      int firstForecast = s + PAST;
      int lastForecast = s + PAST + FUTURE - 1;
      int split;
      if (lastForecast < TRAIN_END) {
        split = 0;
      } else if (firstForecast >= TRAIN_END && lastForecast < VAL_END) {
        split = 1;
      } else if (firstForecast >= VAL_END) {
        split = 2;
      } else {
        split = STRADDLING;
      }
      windows.add(new Window(city, s, split));
      for (int m = s; m < s + PAST + FUTURE; m++) {
        covered.add(m);
      }
    }
    for (int m : rows.keySet()) {
      if (covered.contains(m)) {
        rowsWindowed++;
      }
    }
  }

  /** The windows that reach a shard (every split but straddling). */
  List<Window> written() {
    return windows.stream().filter(w -> w.split() != STRADDLING).toList();
  }

  long windows(int split) {
    return windows.stream().filter(w -> w.split() == split).count();
  }

  /** "city|epochMillis" of every window in a split. */
  Set<String> windowKeys(int split) {
    Set<String> out = new HashSet<>();
    for (Window w : windows) {
      if (w.split() == split) {
        out.add(w.city() + "|" + w.startMillis());
      }
    }
    return out;
  }

  /** The point's value after ffill, or null when missing. */
  Double value(String city, int column, int month) {
    return filled.get(city).get(column).get(month);
  }

  /** Whether the point exists only because ffill supplied it. */
  boolean wasFilled(String city, int column, int month) {
    Double[] row = raw.get(city).get(month);
    return (row == null || row[column] == null) && value(city, column, month) != null;
  }

  static int month(String isoDate) {
    String[] p = isoDate.split("-");
    return Integer.parseInt(p[0]) * 12 + Integer.parseInt(p[1]) - 1;
  }

  static long millis(int month) {
    return LocalDate.of(month / 12, month % 12 + 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  static int monthOfMillis(long millis) {
    LocalDate d = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    if (d.getDayOfMonth() != 1 || millis % 86_400_000L != 0) {
      throw new IllegalArgumentException("not the first of a month: " + millis);
    }
    return d.getYear() * 12 + d.getMonthValue() - 1;
  }
}
