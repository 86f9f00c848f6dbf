package dev.shardcast.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shardcast.transforms.config.Frequency;
import dev.shardcast.transforms.config.TimeFeature;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sin/cos encodings against values worked out by hand, and where each point's channels lie. */
class CalendarFeaturesTest {
  private static final double EPS = 1e-6;

  private static long utc(String t) {
    return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /** Features of the single point at {@code t} (past 1, future 1, the future point one step on). */
  private static float[] at(String t, String frequency, TimeFeature... fs) {
    CalendarFeatures c = new CalendarFeatures(List.of(fs), Frequency.parse(frequency), 1, 1);
    Frequency f = Frequency.parse(frequency);
    long start = utc(t);
    float[] all = c.encode(new long[] {start}, new long[] {f.timeOf(f.step(start) + 1)});
    float[] past = new float[2 * fs.length];
    for (int ch = 0; ch < past.length; ch++) {
      past[ch] = all[ch * 2]; // [1, channels, 2]: position 0 is the past point
    }
    return past;
  }

  @Test
  void monthOfMarch() {
    // March is month 3: (3 - 1) / 12 of the year = 60 degrees; sin 60° = √3/2, cos 60° = 1/2
    float[] v = at("2015-03-01T00:00", "1M", TimeFeature.MONTH);
    assertEquals(Math.sqrt(3) / 2, v[0], EPS);
    assertEquals(0.5, v[1], EPS);
    // January is the start of the cycle: sin 0, cos 1
    float[] jan = at("2016-01-01T00:00", "1M", TimeFeature.MONTH);
    assertEquals(0, jan[0], EPS);
    assertEquals(1, jan[1], EPS);
  }

  @Test
  void sundayIsTheLastDayOfTheWeek() {
    // 2015-03-01 was a Sunday: weekday 7, (7 - 1) / 7 of the week = -360°/7
    float[] v = at("2015-03-01T00:00", "1d", TimeFeature.DAY_OF_WEEK);
    assertEquals(-Math.sin(2 * Math.PI / 7), v[0], EPS);
    assertEquals(Math.cos(2 * Math.PI / 7), v[1], EPS);
    // 2015-03-02, a Monday: the start of the cycle
    float[] mon = at("2015-03-02T00:00", "1d", TimeFeature.DAY_OF_WEEK);
    assertEquals(0, mon[0], EPS);
    assertEquals(1, mon[1], EPS);
  }

  @Test
  void dayOfYearCountsTheLeapDay() {
    // 2016 has 366 days: 1 March is day 61, 31 December day 366
    float[] march = at("2016-03-01T00:00", "1d", TimeFeature.DAY_OF_YEAR);
    assertEquals(Math.sin(2 * Math.PI * 60 / 366), march[0], EPS);
    assertEquals(Math.cos(2 * Math.PI * 60 / 366), march[1], EPS);
    float[] last = at("2016-12-31T00:00", "1d", TimeFeature.DAY_OF_YEAR);
    assertEquals(Math.sin(2 * Math.PI * 365 / 366), last[0], EPS);
    // 2015 has 365: 1 March is day 60
    float[] march2015 = at("2015-03-01T00:00", "1d", TimeFeature.DAY_OF_YEAR);
    assertEquals(Math.sin(2 * Math.PI * 59 / 365), march2015[0], EPS);
  }

  @Test
  void hourOfTheDay() {
    float[] six = at("2015-03-01T06:00", "1h", TimeFeature.HOUR);
    assertEquals(1, six[0], EPS);
    assertEquals(0, six[1], EPS);
    float[] half = at("2015-03-01T18:30", "30min", TimeFeature.HOUR); // 18.5 h of 24
    assertEquals(Math.sin(2 * Math.PI * 18.5 / 24), half[0], EPS);
  }

  @Test
  void channelsAreFeatureSinCosAndPointsArePastThenFutureAfterTheLead() {
    // monthly, past 2 (Jan, Feb 2015), lead 1 (Mar skipped), future 2 (Apr, May)
    CalendarFeatures c = new CalendarFeatures(List.of(TimeFeature.MONTH, TimeFeature.DAY_OF_YEAR),
        Frequency.parse("1M"), 2, 2);
    float[] v = c.encode(new long[] {utc("2015-01-01T00:00")}, new long[] {utc("2015-04-01T00:00")});
    assertEquals(4 * 4, v.length);
    int[] months = {1, 2, 4, 5};
    int[] days = {1, 32, 91, 121};
    float[] want = new float[16];
    for (int p = 0; p < 4; p++) {
      want[p] = (float) Math.sin(2 * Math.PI * (months[p] - 1) / 12);
      want[4 + p] = (float) Math.cos(2 * Math.PI * (months[p] - 1) / 12);
      want[8 + p] = (float) Math.sin(2 * Math.PI * (days[p] - 1) / 365);
      want[12 + p] = (float) Math.cos(2 * Math.PI * (days[p] - 1) / 365);
    }
    assertArrayEquals(want, v, 1e-6f);
  }
}
