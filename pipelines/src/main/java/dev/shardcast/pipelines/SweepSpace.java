package dev.shardcast.pipelines;

import dev.shardcast.transforms.config.ConfigException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The configs a sweep tries, as {@code key=value} overrides (the {@code --set} syntax): the cartesian
 * product of {@code --grid key=v1,v2,...}, or {@code --random N} draws (seeded) where each
 * {@code --grid} key is a uniform choice and each {@code --range key=lo:hi[:log|:int]} a uniform
 * (log-uniform, integer) number. Pure: no I/O, the same flags and seed give the same trials.
 */
public final class SweepSpace {
  /** One axis: a key and either its listed values or a numeric range. */
  record Axis(String key, List<String> values, double lo, double hi, String scale) {}

  private final List<Axis> grid = new ArrayList<>();
  private final List<Axis> ranges = new ArrayList<>();

  static SweepSpace of(List<String> grids, List<String> rangeSpecs) {
    SweepSpace s = new SweepSpace();
    for (String g : grids) {
      String[] kv = keyValue("--grid", g);
      List<String> values = splitTopLevel(kv[1]);
      if (values.isEmpty() || values.stream().anyMatch(String::isBlank)) {
        throw new ConfigException("--grid " + g + ": give values as key=v1,v2,... (a list value in brackets: [64,64])");
      }
      s.grid.add(new Axis(kv[0], values, 0, 0, null));
    }
    for (String r : rangeSpecs) {
      String[] kv = keyValue("--range", r);
      String[] p = kv[1].split(":");
      if (p.length < 2 || p.length > 3) {
        throw new ConfigException("--range " + r + ": give key=low:high, key=low:high:log or key=low:high:int");
      }
      double lo;
      double hi;
      try {
        lo = Double.parseDouble(p[0].trim());
        hi = Double.parseDouble(p[1].trim());
      } catch (NumberFormatException e) {
        throw new ConfigException("--range " + r + ": low and high must be numbers");
      }
      String scale = p.length == 3 ? p[2].trim() : "linear";
      if (!List.of("linear", "log", "int").contains(scale)) {
        throw new ConfigException("--range " + r + ": scale '" + scale + "' is not one of log, int");
      }
      if (!(lo < hi) || (scale.equals("log") && lo <= 0)) {
        throw new ConfigException("--range " + r + ": need low < high" + (scale.equals("log") ? " and low > 0 (log)" : ""));
      }
      s.ranges.add(new Axis(kv[0], List.of(), lo, hi, scale));
    }
    List<String> keys = new ArrayList<>();
    for (Axis a : s.axes()) {
      if (keys.contains(a.key())) {
        throw new ConfigException("sweep key " + a.key() + " is given twice");
      }
      keys.add(a.key());
    }
    return s;
  }

  private List<Axis> axes() {
    List<Axis> all = new ArrayList<>(grid);
    all.addAll(ranges);
    return all;
  }

  /**
   * A sweep trains other models on the same shards: only {@code train.*} keys (not its output, which
   * is the trial's folder) may vary.
   */
  private static String[] keyValue(String flag, String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException(flag + " " + spec + ": must look like key.path=...");
    }
    String key = spec.substring(0, eq).trim();
    if (!key.startsWith("train.") || key.equals("train.output")) {
      throw new ConfigException(flag + " " + spec + ": a sweep varies train.* keys only (all trials use the same "
          + "shards; train.output is each trial's own folder), not " + key);
    }
    return new String[] {key, spec.substring(eq + 1).trim()};
  }

  /** Splits on commas outside brackets and braces, so {@code [128,128],[64]} is two values. */
  static List<String> splitTopLevel(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '[' || c == '{') {
        depth++;
      } else if (c == ']' || c == '}') {
        depth--;
      }
      if (c == ',' && depth == 0) {
        out.add(cur.toString().trim());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString().trim());
    return out;
  }

  /** The grid's cartesian product, the first key varying slowest; ranges are refused here. */
  List<Map<String, String>> grid() {
    if (!ranges.isEmpty()) {
      throw new ConfigException("--range needs --random N (a grid takes listed values only)");
    }
    List<Map<String, String>> out = new ArrayList<>();
    out.add(new LinkedHashMap<>());
    for (Axis a : grid) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> partial : out) {
        for (String v : a.values()) {
          Map<String, String> m = new LinkedHashMap<>(partial);
          m.put(a.key(), v);
          next.add(m);
        }
      }
      out = next;
    }
    return out.size() == 1 && out.get(0).isEmpty() ? List.of() : out;
  }

  /**
   * {@code n} seeded draws, each axis in the order given: a log range is uniform in log space (a
   * learning rate as likely in 1e-4..1e-3 as in 1e-3..1e-2); numbers are kept to 3 significant digits,
   * so trial ids and tables stay readable. Equal draws are kept once.
   */
  List<Map<String, String>> random(int n, long seed) {
    if (n < 1) {
      throw new ConfigException("--random " + n + ": need at least 1 trial");
    }
    if (axes().isEmpty()) {
      throw new ConfigException("--random needs at least one --grid or --range");
    }
    Random rnd = new Random(seed);
    List<Map<String, String>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, String> m = new LinkedHashMap<>();
      for (Axis a : axes()) {
        m.put(a.key(), a.scale() == null ? a.values().get(rnd.nextInt(a.values().size())) : draw(a, rnd));
      }
      if (!out.contains(m)) {
        out.add(m);
      }
    }
    return out;
  }

  private static String draw(Axis a, Random rnd) {
    double u = rnd.nextDouble();
    return switch (a.scale()) {
      case "int" -> Long.toString((long) Math.ceil(a.lo())
          + (long) Math.floor(u * (Math.floor(a.hi()) - Math.ceil(a.lo()) + 1)));
      case "log" -> short3(Math.exp(Math.log(a.lo()) + u * (Math.log(a.hi()) - Math.log(a.lo()))));
      default -> short3(a.lo() + u * (a.hi() - a.lo()));
    };
  }

  static String short3(double v) {
    return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  /** The parameters in key order: the canonical text a trial's id and table column use. */
  static String describe(Map<String, String> params) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
      sb.append(sb.length() == 0 ? "" : " ").append(e.getKey().replaceFirst("^train\\.", "")).append('=').append(e.getValue());
    }
    return sb.toString();
  }
}
