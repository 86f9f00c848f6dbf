package dev.shardcast.training.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shardcast.training.data.CalendarFeatures;
import dev.shardcast.training.eval.ScaleLookup;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.ColumnScale;
import dev.shardcast.transforms.quality.RuleSet;
import dev.shardcast.transforms.quality.ScaleCheck;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * predict computes the calendar channels of its latest windows exactly as the trainer's reader
 * computes them for a shard window with the same timestamps (its window_start = the first past
 * point, forecast_start = the first future point after the lead, as prepare writes them).
 */
class PredictCalendarTest {

  private static long month(int year, int month) {
    return LocalDate.of(year, month, 1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  @Test
  void latestWindowsGetTheFeaturesTheReaderGivesTheSameWindow() {
    String yaml = """
        name: t
        input:
          path: unused.csv
          series_key: [id]
          timestamp: {column: ts}
          frequency: 1M
          columns:
            - {name: v, type: double, target: true}
        windowing: {past: 3, future: 2, lead: 1, time_features: [month, day_of_year]}
        split: {train_end: "2015-06-01", val_end: "2015-09-01"}
        shards: {output: out}
        """;
    JobConfig job = ConfigLoader.loadYaml(yaml, List.of());
    JobPlan plan = new JobPlan(job);
    LatestWindows latest = new LatestWindows(plan, ScaleCheck.of(plan, RuleSet.compile(plan), c -> Double.NaN));
    latest.source("in.csv", JobPlan.DEFAULT_SOURCE);
    for (int m = 1; m <= 12; m++) {
      latest.row("a", month(2015, m), m + 1, new double[] {m});
    }
    for (int m = 1; m <= 5; m++) { // a second series that ends in May 2016
      latest.row("b", month(2016, m), m + 20, new double[] {m});
    }
    List<LatestWindows.Window> windows = new ArrayList<>();
    latest.build(new ScaleLookup(Map.of("v", new ColumnScale(0, 1, 1, null)), Map.of()), windows, new ArrayList<>());
    assertEquals(List.of("a", "b"), windows.stream().map(LatestWindows.Window::series).sorted().toList());
    windows.sort(java.util.Comparator.comparing(LatestWindows.Window::series));

    CalendarFeatures cal = CalendarFeatures.of(List.of("month", "day_of_year"), "1M", 3, 2);
    float[] predicted = PredictJob.calendar(cal, 3, windows);
    // series a: past Oct, Nov, Dec 2015; lead skips Jan 2016; future Feb, Mar 2016
    // series b: past Mar, Apr, May 2016; lead skips Jun; future Jul, Aug 2016
    float[] reader = cal.encode(new long[] {month(2015, 10), month(2016, 3)}, new long[] {month(2016, 2), month(2016, 7)});
    assertArrayEquals(reader, predicted, "predict and the reader: the same channels for the same timestamps");
    int len = 5;
    int[][] months = {{10, 11, 12, 2, 3}, {3, 4, 5, 7, 8}};
    for (int w = 0; w < 2; w++) {
      for (int p = 0; p < len; p++) {
        double a = 2 * Math.PI * (months[w][p] - 1) / 12;
        assertEquals(Math.sin(a), predicted[(w * 4) * len + p], 1e-6, "window " + w + " point " + p + " month sin");
        assertEquals(Math.cos(a), predicted[(w * 4 + 1) * len + p], 1e-6, "window " + w + " point " + p + " month cos");
      }
    }
    // day_of_year of 1 Feb 2016 (day 32 of a leap year), the first future point of series a
    assertEquals(Math.sin(2 * Math.PI * 31 / 366), predicted[2 * len + 3], 1e-6);
  }
}
