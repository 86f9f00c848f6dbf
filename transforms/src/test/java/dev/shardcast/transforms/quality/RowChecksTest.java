package dev.shardcast.transforms.quality;

import static dev.shardcast.transforms.quality.QualityJobs.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.JobPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row rules, one rule type at a time, on rows small enough to count by hand. Rows go through
 * {@link RowChecks#check} as CsvSource sends them: the text of the rule columns (null when empty) and
 * the parsed value columns x, y, z.
 */
class RowChecksTest {
  private static final double NA = Double.NaN;

  private static JobPlan plan(String columns, String... overrides) {
    return QualityJobs.plan("quality:\n  columns:\n" + columns, overrides);
  }

  private static RowChecks checks(JobPlan plan) {
    return new RowChecks(plan, RuleSet.compile(plan), plan.sources().get(0));
  }

  private static RowChecks checks(String columns, String... overrides) {
    return checks(plan(columns, overrides));
  }

  /** Every count the checks emit. */
  private static Map<String, Long> counts(RowChecks c) {
    Map<String, Long> out = new LinkedHashMap<>();
    c.counts(out::put);
    return out;
  }

  /** Checks one text column's values in turn (value columns all 1); returns the failed rule ids (null: accepted). */
  private static List<String> run(RowChecks c, String column, String... texts) {
    List<String> out = new ArrayList<>();
    for (String t : texts) {
      RowChecks.Failure f = c.check(text(column, t), new double[] {1, 1, 1});
      out.add(f == null ? null : f.ruleId());
    }
    return out;
  }

  private static List<String> ids(String... ids) {
    List<String> out = new ArrayList<>();
    for (String id : ids) {
      out.add(id);
    }
    return out;
  }

  private static void assertCounts(RowChecks c, String rule, long checked, long failed) {
    Map<String, Long> counts = counts(c);
    assertEquals(checked, counts.get("rule." + rule + ".checked"), rule + " checked in " + counts);
    assertEquals(failed, counts.get("rule." + rule + ".failed"), rule + " failed in " + counts);
  }

  // ---- type ----

  @Test
  void typeLong() {
    RowChecks c = checks("    code: {type: long}\n");
    assertEquals(ids(null, null, null, "code.type", "code.type", null, "code.type"),
        run(c, "code", "12", "-3", "+7", "1.5", "abc", null, "99999999999999999999"));
    assertCounts(c, "code.type", 6, 3); // the null row is not checked
  }

  @Test
  void typeDouble() {
    RowChecks c = checks("    ratio: {type: double}\n");
    assertEquals(ids(null, null, null, "ratio.type", "ratio.type", "ratio.type", "ratio.type", null),
        run(c, "ratio", "1.5", "-2", "3e2", "abc", "Infinity", "1f", "NaN", ""));
    assertCounts(c, "ratio.type", 7, 4);
  }

  /** The readers' number grammar (NumberText), not Double.parseDouble's: 5. is a number, 0x1p3 is not. */
  @Test
  void typeDoubleOnARuleColumnReadsNumbersAsTheReadersDo() {
    RowChecks c = checks("    ratio: {type: double}\n");
    assertEquals(ids(null, null, null, "ratio.type", "ratio.type", "ratio.type", "ratio.type", "ratio.type"),
        run(c, "ratio", "5.", ".5", "1e308", "1e309", "0x1p3", "5d", "-Infinity", "inf"));
    assertCounts(c, "ratio.type", 8, 5);
  }

  @Test
  void typeBoolean() {
    RowChecks c = checks("    flag: {type: boolean}\n");
    assertEquals(ids(null, null, null, "flag.type", "flag.type"), run(c, "flag", "true", "FALSE", "True", "yes", "1"));
    assertCounts(c, "flag.type", 5, 2);
  }

  @Test
  void typeTimestampIsIsoOnOtherColumns() {
    RowChecks c = checks("    seen: {type: timestamp}\n");
    assertEquals(ids(null, null, null, "seen.type", "seen.type", "seen.type"),
        run(c, "seen", "2020-01-02", "2020-01-02T03:04:05", "2020-01-02T03:04:05Z", "2020-13-01", "yesterday",
            "2020/01/02"));
    assertCounts(c, "seen.type", 6, 3);
  }

  @Test
  void typeTimestampUsesTheJobFormatOnTheTimestampColumn() {
    RowChecks c = checks("    ts: {type: timestamp}\n", "input.timestamp.format=yyyy/MM/dd");
    assertEquals(ids(null, "ts.type", "ts.type"), run(c, "ts", "2020/01/02", "2020-01-02", "2020/02/30"));
    assertCounts(c, "ts.type", 3, 2);
  }

  @Test
  void typeAndBoundsOnAPeriodTimestampColumnReadTheJobsPattern() {
    // The rules parse the time column with the reader's parser: what the reader accepts, they accept.
    RowChecks monthly = checks("    ts: {type: timestamp, min: '1992-01', max: '1999-12'}\n",
        "input.timestamp.format=yyyy-MM");
    assertEquals(ids(null, "ts.min", "ts.max", "ts.type"), run(monthly, "ts", "1995-06", "1991-12", "2000-01", "1995-13"));
    RowChecks quarterly = checks("    ts: {type: timestamp, min: 1992Q2}\n", "input.timestamp.format=yyyy'Q'Q");
    assertEquals(ids(null, "ts.min", "ts.type"), run(quarterly, "ts", "1992Q2", "1992Q1", "1992Q5"));
    // A year column as infer-rules describes it (a long with its range), read with format yyyy.
    RowChecks yearly = checks("    ts: {type: long, min: 1990, max: 2020}\n", "input.timestamp.format=yyyy");
    assertEquals(ids(null, "ts.min", "ts.max"), run(yearly, "ts", "1992", "1989", "2021"));
  }

  @Test
  void typeStringAcceptsAnyTextAndSkipsNulls() {
    RowChecks c = checks("    name: {type: string}\n");
    assertEquals(ids(null, null, null, null), run(c, "name", "a", "12", null, "  x "));
    assertCounts(c, "name.type", 3, 0);
  }

  // ---- nullable, allowed ----

  @Test
  void nullableFalseCountsNullsAndOtherRulesSkipThem() {
    RowChecks c = checks("    station: {nullable: false, regex: '[A-Z]{4}'}\n");
    assertEquals(ids(null, "station.nullable", "station.nullable", "station.regex"),
        run(c, "station", "ABCD", null, "", "abcd"));
    assertCounts(c, "station.nullable", 4, 2);
    assertCounts(c, "station.regex", 2, 1); // the two empty cells are not regex-checked
  }

  @Test
  void nullableTrueChecksNothing() {
    RowChecks c = checks("    station: {nullable: true}\n");
    assertEquals(ids(null, null), run(c, "station", null, "A"));
    assertEquals(Map.of(), counts(c)); // no rule compiled
  }

  @Test
  void allowed() {
    RowChecks c = checks("    status: {allowed: [a, b]}\n");
    assertEquals(ids(null, null, "status.allowed", "status.allowed", null), run(c, "status", "a", "b", "c", "A", null));
    assertCounts(c, "status.allowed", 4, 2);
  }

  // ---- min / max ----

  @Test
  void minMaxOnAValueColumn() {
    RowChecks c = checks("    x: {min: 0, max: 10}\n");
    double[] xs = {0, 10, -0.5, 10.5, NA, 5};
    List<String> got = new ArrayList<>();
    for (double x : xs) {
      RowChecks.Failure f = c.check(text("x", Double.isNaN(x) ? null : Double.toString(x)), new double[] {x, 1, 1});
      got.add(f == null ? null : f.ruleId());
    }
    assertEquals(ids(null, null, "x.min", "x.max", null, null), got);
    assertCounts(c, "x.min", 5, 1);
    assertCounts(c, "x.max", 5, 1);
  }

  @Test
  void minMaxOnATextColumnParsesNumbers() {
    RowChecks c = checks("    level: {type: double, min: 1, max: 2}\n");
    assertEquals(ids(null, null, "level.min", "level.max", null), run(c, "level", "1", "2.0", "0.99", "2.01", null));
    assertCounts(c, "level.min", 4, 1);
    assertCounts(c, "level.max", 4, 1);
  }

  @Test
  void minMaxOnTimestamps() {
    RowChecks c = checks(String.join("\n",
        "    ts: {min: '2020/01/01', max: '2020/12/31'}",
        "    seen: {type: timestamp, min: '2020-01-01'}", ""), "input.timestamp.format=yyyy/MM/dd");
    String[][] rows = {
      {"2019/12/31", "2020-06-01"}, // ts below min
      {"2020/01/01", "2020-01-01"}, // both at the bound
      {"2021/01/01", "2020-01-01T00:00:01"}, // ts above max
      {"2020/06/01", "2019-12-31T23:59:59"}, // seen below min
      {"2020/12/31", "2020-02-01"},
    };
    List<String> got = new ArrayList<>();
    for (String[] r : rows) {
      RowChecks.Failure f = c.check(text("ts", r[0], "seen", r[1]), new double[] {1, 1, 1});
      got.add(f == null ? null : f.ruleId());
    }
    assertEquals(ids("ts.min", null, "ts.max", "seen.min", null), got);
    assertCounts(c, "ts.min", 5, 1);
    assertCounts(c, "ts.max", 5, 1);
    assertCounts(c, "seen.min", 5, 1);
    assertCounts(c, "seen.type", 5, 0);
  }

  // ---- regex, max_length ----

  @Test
  void regexMustMatchTheWholeValue() {
    RowChecks c = checks("    code: {regex: '[A-Z]{2}\\d'}\n");
    assertEquals(ids(null, "code.regex", "code.regex", "code.regex", null), run(c, "code", "AB1", "AB12", "xAB1", "ab1", null));
    assertCounts(c, "code.regex", 4, 3);
    RowChecks.Failure f = c.check(text("code", "AB12"), new double[] {1, 1, 1});
    assertEquals(new RowChecks.Failure("code.regex", "code", "AB12", "does not match /[A-Z]{2}\\d/"), f);
  }

  @Test
  void maxLength() {
    RowChecks c = checks("    name: {max_length: 3}\n");
    assertEquals(ids(null, "name.max_length", null, null, "name.max_length"), run(c, "name", "abc", "abcd", "", "ab", "abcdef"));
    assertCounts(c, "name.max_length", 4, 2);
  }

  // ---- Accurate ----

  @Test
  void referenceKeyExists(@TempDir Path dir) throws IOException {
    Path ref = dir.resolve("cities.csv");
    Files.writeString(ref, "city_id,name\nBER,Berlin\nPAR,Paris\n");
    RowChecks c = checks("    city: {reference: {path: '" + ref + "', column: city_id}}\n");
    assertEquals(ids(null, null, "city.reference", "city.reference", null), run(c, "city", "BER", "PAR", "LON", "Berlin", null));
    assertCounts(c, "city.reference", 4, 2);
  }

  /** Reference rows (id, ts, wind): A@01 = 10, A@02 = 100, B@01 empty (not a reference row). */
  private static Path windReference(Path dir) throws IOException {
    Path ref = dir.resolve("best_track.csv");
    Files.writeString(ref, "id,ts,wind\nA,2020-01-01,10\nA,2020-01-02,100\nB,2020-01-01,\n");
    return ref;
  }

  private static List<String> runWind(RowChecks c, Object[][] rows) {
    List<String> out = new ArrayList<>();
    for (Object[] r : rows) {
      double x = (Double) r[2];
      RowChecks.Failure f = c.check(text("id", (String) r[0], "ts", (String) r[1], "x", Double.toString(x)),
          new double[] {x, 1, 1});
      out.add(f == null ? null : f.ruleId());
    }
    return out;
  }

  @Test
  void matchesReferenceWithAbsoluteTolerance(@TempDir Path dir) throws IOException {
    Path ref = windReference(dir);
    RowChecks c = checks("    x: {matches_reference: {path: '" + ref + "', key: [id, ts], column: wind, tolerance: 1}}\n");
    Object[][] rows = {
      {"A", "2020-01-01", 10.5}, // off by 0.5
      {"A", "2020-01-01", 11.5}, // off by 1.5
      {"A", "2020-01-02", 99.0}, // off by exactly 1
      {"A", "2020-01-02", 98.9}, // off by 1.1
      {"C", "2020-01-01", 500.0}, // not in the reference
      {"B", "2020-01-01", 7.0}, // reference value empty: not a reference row
    };
    assertEquals(ids(null, "x.matches_reference", null, "x.matches_reference", null, null), runWind(c, rows));
    // Checked = compared: the 4 rows the reference holds (its coverage), not the 2 it does not.
    assertCounts(c, "x.matches_reference", 4, 2);
  }

  @Test
  void matchesReferenceWithRelativeTolerance(@TempDir Path dir) throws IOException {
    Path ref = windReference(dir);
    RowChecks c = checks("    x: {matches_reference: {path: '" + ref + "', key: [id, ts], column: wind, relative_tolerance: 0.1}}\n");
    Object[][] rows = {
      {"A", "2020-01-02", 109.0}, // 9 <= 10% of 100
      {"A", "2020-01-02", 111.0}, // 11 > 10
      {"A", "2020-01-01", 10.9}, // 0.9 <= 1
      {"A", "2020-01-01", 11.5}, // 1.5 > 1
      {"Z", "2020-01-02", 1e9},
    };
    assertEquals(ids(null, "x.matches_reference", null, "x.matches_reference", null), runWind(c, rows));
    assertCounts(c, "x.matches_reference", 4, 2);
  }

  @Test
  void matchesReferenceToleranceAndRelativeToleranceAdd(@TempDir Path dir) throws IOException {
    Path ref = windReference(dir);
    RowChecks c = checks("    x: {matches_reference: {path: '" + ref + "', key: [id, ts], column: wind, tolerance: 1, "
        + "relative_tolerance: 0.1}}\n");
    Object[][] rows = {
      {"A", "2020-01-02", 111.0}, // 11 <= 1 + 10
      {"A", "2020-01-02", 111.5}, // 11.5 > 11
    };
    assertEquals(ids(null, "x.matches_reference"), runWind(c, rows));
  }

  // ---- severity ----

  @Test
  void warnRulesOnlyCount() {
    RowChecks c = checks("    x: {min: {value: 0, severity: warn}, max: 10}\n");
    assertNull(c.check(text("x", "-1"), new double[] {-1, 1, 1}));
    assertNull(c.check(text("x", "-2"), new double[] {-2, 1, 1}));
    RowChecks.Failure f = c.check(text("x", "11"), new double[] {11, 1, 1});
    assertNotNull(f);
    assertEquals("x.max", f.ruleId());
    assertCounts(c, "x.min", 3, 2);
    assertCounts(c, "x.max", 3, 1);
  }

  @Test
  void columnAndGlobalSeverity() {
    RowChecks column = checks("    x: {severity: warn, min: 0, max: {value: 10, severity: error}}\n");
    assertNull(column.check(text("x", "-1"), new double[] {-1, 1, 1}));
    assertEquals("x.max", column.check(text("x", "11"), new double[] {11, 1, 1}).ruleId());

    JobPlan global = QualityJobs.plan("quality:\n  severity: warn\n  columns:\n    x: {min: 0}\n");
    RowChecks g = checks(global);
    assertNull(g.check(text("x", "-1"), new double[] {-1, 1, 1}));
    assertCounts(g, "x.min", 1, 1);
  }

  @Test
  void aRowFailingSeveralRulesIsOneFailureCountedByEveryRule() {
    // Rules run in the order type, nullable, allowed, min, max, regex, max_length, ...
    RowChecks c = checks("    name: {allowed: {value: [ab, abc1], severity: warn}, regex: '[a-z]+', max_length: 2}\n");
    RowChecks.Failure abc1 = c.check(text("name", "abc1"), new double[] {1, 1, 1}); // regex and max_length fail
    RowChecks.Failure xyz = c.check(text("name", "xyz"), new double[] {1, 1, 1}); // allowed (warn) and max_length fail
    RowChecks.Failure zz = c.check(text("name", "zz"), new double[] {1, 1, 1}); // allowed (warn) only
    RowChecks.Failure ab = c.check(text("name", "ab"), new double[] {1, 1, 1}); // passes
    assertEquals("name.regex", abc1.ruleId());
    assertEquals("abc1", abc1.value());
    assertEquals("name", abc1.column());
    assertEquals("name.max_length", xyz.ruleId());
    assertNull(zz);
    assertNull(ab);
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("rule.name.allowed.checked", 4L);
    expected.put("rule.name.allowed.failed", 2L);
    expected.put("rule.name.regex.checked", 4L);
    expected.put("rule.name.regex.failed", 1L);
    expected.put("rule.name.max_length.checked", 4L);
    expected.put("rule.name.max_length.failed", 2L);
    assertEquals(expected, counts(c));
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(counts(c).keySet()), "emitted in rule order");
  }

  @Test
  void profileHoldsOnlyAcceptedRows() {
    RowChecks c = checks("    name: {max_length: 2}\n");
    c.check(text("name", "ab", "x", "1"), new double[] {1, 10, 100});
    c.check(text("name", "abc", "x", "2"), new double[] {2, 20, 200}); // rejected
    c.check(text("name", null, "x", "3"), new double[] {3, NA, 300});
    c.check(text("name", "abcd", "x", "4"), new double[] {4, 40, 400}); // rejected
    DatasetProfile p = c.profile();
    assertEquals(List.of("name", "x", "y", "z"), List.copyOf(p.columns().keySet()));
    assertEquals(1, p.column("name").count());
    assertEquals(1, p.column("name").nulls());
    assertEquals(2, p.column("x").count());
    assertEquals(2.0, p.column("x").mean(), 1e-12); // (1 + 3) / 2
    assertEquals(1, p.column("y").count());
    assertEquals(1, p.column("y").nulls());
    assertEquals(400.0 / 2, p.column("z").mean(), 1e-12); // (100 + 300) / 2
  }

  // ---- Uniform: units ----

  private static final String TWO_SOURCES = String.join("\n",
      "    - {name: metres, path: a.csv, units: {x: m}}",
      "    - {name: native, path: b.csv}", "");

  @Test
  void perSourceUnitsConvertBeforeTheRules() {
    JobPlan plan = QualityJobs.sourcesPlan(TWO_SOURCES, "quality:\n  columns:\n    x: {unit: km, max: 10}\n");
    RuleSet rules = RuleSet.compile(plan);
    RowChecks metres = new RowChecks(plan, rules, plan.sources().get(0));
    RowChecks nativeKm = new RowChecks(plan, rules, plan.sources().get(1));

    double[] v = {2500, 7, NA};
    assertNull(metres.check(text("x", "2500"), v));
    assertArrayEquals(new double[] {2.5, 7, NA}, v, 1e-12, "x converted in place, other columns untouched");
    double[] big = {12_000, 1, 1};
    assertEquals("x.max", metres.check(text("x", "12000"), big).ruleId()); // 12 km > 10
    assertEquals(12.0, big[0], 1e-12);

    double[] w = {2500, 7, NA};
    assertEquals("x.max", nativeKm.check(text("x", "2500"), w).ruleId()); // already km: 2500 > 10
    assertEquals(2500, w[0]);
    double[] ok = {9.5, 1, 1};
    assertNull(nativeKm.check(text("x", "9.5"), ok));
    assertCounts(metres, "x.max", 2, 1);
    assertCounts(nativeKm, "x.max", 2, 1);
    assertEquals(2.5, metres.profile().column("x").mean(), 1e-12, "profile holds converted values");
  }

  @Test
  void unitColumnConvertsPerRow() {
    RowChecks c = checks("    x: {unit: m/s, unit_column: x_unit, max: 20}\n");
    double[][] values = {{36, 1, 1}, {10, 1, 1}, {5, 1, 1}, {5, 1, 1}, {NA, 1, 1}, {72, 1, 1}, {90, 1, 1}};
    String[] units = {"km/h", "m/s", "furlong", null, null, "km/h", "km/h"};
    List<String> got = new ArrayList<>();
    List<RowChecks.Failure> failures = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      String x = Double.isNaN(values[i][0]) ? null : Double.toString(values[i][0]);
      RowChecks.Failure f = c.check(text("x", x, "x_unit", units[i]), values[i]);
      got.add(f == null ? null : f.ruleId());
      failures.add(f);
    }
    assertEquals(ids(null, null, "x.unit", "x.unit", null, null, "x.max"), got);
    assertEquals(10.0, values[0][0], 1e-12); // 36 km/h
    assertEquals(10.0, values[1][0], 1e-12);
    assertEquals(20.0, values[5][0], 1e-12); // 72 km/h = 20 m/s, not above the max
    assertEquals(25.0, values[6][0], 1e-12); // 90 km/h = 25 m/s
    RowChecks.Failure unknown = failures.get(2);
    assertEquals("x_unit", unknown.column());
    assertEquals("furlong", unknown.value());
    assertTrue(unknown.message().contains("unknown unit 'furlong'"), unknown.message());
    RowChecks.Failure empty = failures.get(3);
    assertNull(empty.value());
    assertTrue(empty.message().contains("empty"), empty.message());
    assertCounts(c, "x.unit", 6, 2); // the row with no x is not unit-checked
    assertCounts(c, "x.max", 6, 1);
    assertEquals(3, c.profile().column("x").count()); // accepted rows 0, 1, 5
    assertEquals(1, c.profile().column("x").nulls()); // accepted row 4, whose x is empty
    assertEquals(3, c.profile().column("x_unit").count());
  }
}
