package dev.shardcast.transforms.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.quality.QuarantineSample;
import dev.shardcast.transforms.testing.TestJobs;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The message of a run without train or val windows names the cause, from the run's counts alone. */
class NoWindowsDiagnosisTest {
  private static final String QUARANTINE = "out/x/quarantine/rows.jsonl";
  private static final JobPlan PLAN = TestJobs.plan(); // past 3, future 2, daily, gaps none

  private static Map<String, Long> counts(Object... kv) {
    Map<String, Long> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
    }
    return m;
  }

  private static final QuarantineSample BAD_DATES = new QuarantineSample("bad_timestamp", 8602,
      new QuarantineRecord("/data/txhousing.csv", 2, "bad_timestamp", "date", "2000-01",
          "not a timestamp in format 'yyyy-MM-dd'", Map.of()));

  @Test
  void trainAndValWithWindowsIsNoProblem() {
    assertNull(NoWindowsDiagnosis.diagnose(PLAN, counts("windows_train", 5, "windows_val", 1, "windows_test", 0), null,
        QUARANTINE), "an empty test split is allowed: training only reports no test metrics");
  }

  @Test
  void everyRowQuarantinedNamesTheTopReasonASampleAndTheFile() {
    String m = NoWindowsDiagnosis.diagnose(PLAN, counts("rows_read", 8602, "rows_quarantined", 8602,
        "quarantined.bad_timestamp", 8602), BAD_DATES, QUARANTINE);
    assertEquals("no train and no val windows: 8,602 of 8,602 rows quarantined, most as bad_timestamp (column date, "
        + "line 2 of txhousing.csv, value \"2000-01\": not a timestamp in format 'yyyy-MM-dd'); see "
        + QUARANTINE, m);
  }

  @Test
  void seriesShorterThanOneWindow() {
    String m = NoWindowsDiagnosis.diagnose(PLAN, counts("rows_read", 8, "rows_unused", 8, "series", 2,
        "short_series", 2), null, QUARANTINE);
    assertEquals("no train and no val windows: all 2 series are shorter than one window "
        + "(windowing.past 3 + lead 0 + future 2 = 5 points)", m);
    String one = NoWindowsDiagnosis.diagnose(PLAN, counts("rows_read", 4, "rows_unused", 4, "series", 1,
        "short_series", 1), null, QUARANTINE);
    assertEquals("no train and no val windows: the one series is shorter than one window "
        + "(windowing.past 3 + lead 0 + future 2 = 5 points)", one);
  }

  @Test
  void someRowsQuarantinedAndTheRestTooShortNamesBoth() {
    String m = NoWindowsDiagnosis.diagnose(PLAN, counts("rows_read", 10, "rows_quarantined", 6, "rows_unused", 4,
        "series", 1, "short_series", 1, "quarantined.bad_timestamp", 6), BAD_DATES, QUARANTINE);
    assertEquals("no train and no val windows: 6 of 10 rows quarantined, most as bad_timestamp (column date, line 2 of "
        + "txhousing.csv, value \"2000-01\": not a timestamp in format 'yyyy-MM-dd'); the one series is shorter than "
        + "one window (windowing.past 3 + lead 0 + future 2 = 5 points); see " + QUARANTINE, m);
  }

  @Test
  void longEnoughSeriesBrokenByGaps() {
    String m = NoWindowsDiagnosis.diagnose(PLAN, counts("rows_read", 40, "rows_unused", 40, "series", 2,
        "short_series", 0), null, QUARANTINE);
    assertEquals("no train and no val windows: 2 series (0 shorter than one window) gave no window of windowing.past 3 "
        + "+ lead 0 + future 2 = 5 points: 40 rows in no window; gaps break a series unless filled "
        + "(gaps.policy none, max_fill 0)", m);
  }

  @Test
  void windowsOnlyInOtherSplitsPointAtTheSplitDates() {
    String m = NoWindowsDiagnosis.diagnose(PLAN, counts("rows_read", 100, "rows_windowed", 100, "series", 2,
        "windows_train", 0, "windows_val", 30, "windows_test", 12, "windows_straddling", 3,
        "data_first_time_ms", TestJobs.millis("2020-01-01"),
        "data_last_time_ms", TestJobs.millis("2020-02-19")), null, QUARANTINE);
    assertEquals("no train windows: the windows fall in other splits (train 0, val 30, test 12, straddling a cut-off 3; "
        + "a window belongs to the split holding its whole forecast): check split.train_end 2020-01-15 and split.val_end 2020-01-25 "
        + "against the data (2020-01-01 .. 2020-02-19)", m);
    String noVal = NoWindowsDiagnosis.diagnose(PLAN, counts("rows_read", 100, "series", 2, "windows_train", 40),
        null, QUARANTINE);
    assertEquals("no val windows: the windows fall in other splits (train 40, val 0, test 0, straddling a cut-off 0; a "
        + "window belongs to the split holding its whole forecast): check split.train_end 2020-01-15 and split.val_end "
        + "2020-01-25", noVal);
  }

  @Test
  void noRowsAtAll() {
    assertEquals("no train and no val windows: the input has no data rows (1 file read)",
        NoWindowsDiagnosis.diagnose(PLAN, counts("files_read", 1), null, QUARANTINE));
  }
}
