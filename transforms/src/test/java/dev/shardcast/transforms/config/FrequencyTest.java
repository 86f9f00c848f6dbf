package dev.shardcast.transforms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrequencyTest {
  private static final long H = 3_600_000L;
  private static final long D = 24 * H;

  private static long utc(String isoDateTime) {
    return LocalDateTime.parse(isoDateTime).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  @Test
  void monthlyStepsCountMonthsSince1970() {
    Frequency m = Frequency.parse("1M");
    assertTrue(m.isRegular());
    assertEquals(0, m.fixedMillis());
    assertEquals(0L, m.step(0L));
    assertEquals((2000 - 1970) * 12L, m.step(utc("2000-01-01T00:00:00")));
    assertEquals((2015 - 1970) * 12L + 6, m.step(utc("2015-07-01T00:00:00")));
    assertEquals(-1L, m.step(utc("1969-12-01T00:00:00")));
    assertEquals(Long.MIN_VALUE, m.step(utc("2000-01-15T00:00:00")));
    assertEquals(Long.MIN_VALUE, m.step(utc("2000-01-01T00:00:01")));
    assertEquals(Long.MIN_VALUE, m.step(utc("2000-01-01T12:00:00")));
    assertEquals(utc("2000-01-01T00:00:00"), m.timeOf(360));
    assertEquals(utc("2000-12-01T00:00:00"), m.timeOf(371));
    assertEquals(utc("1969-12-01T00:00:00"), m.timeOf(-1));
    for (long step = -30; step < 800; step += 7) {
      assertEquals(step, m.step(m.timeOf(step)));
    }
  }

  @Test
  void multiMonthAndYearlyGrids() {
    Frequency q = Frequency.parse("3M");
    assertEquals(Long.MIN_VALUE, q.step(utc("2000-02-01T00:00:00")));
    assertEquals(120L, q.step(utc("2000-01-01T00:00:00"))); // 360 months / 3
    assertEquals(121L, q.step(utc("2000-04-01T00:00:00")));
    assertEquals(utc("2000-04-01T00:00:00"), q.timeOf(121));
    Frequency y = Frequency.parse("1y");
    assertEquals(30L, y.step(utc("2000-01-01T00:00:00")));
    assertEquals(Long.MIN_VALUE, y.step(utc("2000-02-01T00:00:00")));
    assertEquals(utc("2021-01-01T00:00:00"), y.timeOf(51));
  }

  @Test
  void fixedGrids() {
    Frequency h = Frequency.parse("1h");
    assertEquals(H, h.fixedMillis());
    assertEquals(utc("2020-03-01T05:00:00") / H, h.step(utc("2020-03-01T05:00:00")));
    assertEquals(Long.MIN_VALUE, h.step(utc("2020-03-01T05:30:00")));
    assertEquals(-1L, h.step(-H));
    Frequency q = Frequency.parse("15min");
    assertEquals(15 * 60_000L, q.fixedMillis());
    assertEquals(4L, q.step(H));
    assertEquals(5L, q.step(H + 15 * 60_000L));
    assertEquals(Long.MIN_VALUE, q.step(H + 60_000L));
    Frequency d = Frequency.parse("1d");
    assertEquals(LocalDate.parse("2020-01-01").toEpochDay(), d.step(utc("2020-01-01T00:00:00")));
    assertEquals(Long.MIN_VALUE, d.step(utc("2020-01-01T01:00:00")));
    assertEquals(utc("2020-01-02T00:00:00"), d.timeOf(LocalDate.parse("2020-01-02").toEpochDay()));
    assertEquals(7L, Frequency.parse("5s").step(35_000L));
    assertEquals(3L, Frequency.parse("250ms").step(750L));
    for (Frequency f : new Frequency[] {h, q, d}) {
      for (long step = -50; step < 50; step += 3) {
        assertEquals(step, f.step(f.timeOf(step)));
      }
    }
  }

  @Test
  void weeksAreAnchoredOnMondays() {
    Frequency w = Frequency.parse("1w");
    assertEquals(7 * D, w.fixedMillis());
    LocalDate monday = LocalDate.parse("2024-01-01");
    assertEquals(DayOfWeek.MONDAY, monday.getDayOfWeek());
    long mondayMillis = monday.toEpochDay() * D;
    long s = w.step(mondayMillis);
    assertTrue(s != Long.MIN_VALUE);
    assertEquals(mondayMillis, w.timeOf(s));
    assertEquals(s + 1, w.step(mondayMillis + 7 * D));
    for (int day = 1; day < 7; day++) {
      assertEquals(Long.MIN_VALUE, w.step(mondayMillis + day * D), "day +" + day);
    }
    // 1970-01-05 was the first Monday after the epoch: step 0; the Monday before it is step -1.
    assertEquals(0L, w.step(4 * D));
    assertEquals(-1L, w.step(-3 * D));
    for (long step = -10; step < 3000; step += 97) {
      assertEquals(DayOfWeek.MONDAY,
          Instant.ofEpochMilli(w.timeOf(step)).atZone(ZoneOffset.UTC).getDayOfWeek());
      assertEquals(step, w.step(w.timeOf(step)));
    }
  }

  @Test
  void noneIsIrregular() {
    Frequency none = Frequency.parse("none");
    assertFalse(none.isRegular());
    assertEquals(0, none.fixedMillis());
    assertEquals("none", none.toString());
    assertThrows(IllegalStateException.class, () -> none.step(0));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1m", "h", "0h", "-1h", "1.5h", "1 hour", "daily", "1D", "99999999999999999999h",
      "9999999999M", "9999999999999999h", "3000000000y"})
  void badSpecsThrowConfigExceptionNamingTheKey(String spec) {
    ConfigException e = assertThrows(ConfigException.class, () -> Frequency.parse(spec, "some.key"));
    assertTrue(e.getMessage().contains("some.key"), e.getMessage());
    ConfigException d = assertThrows(ConfigException.class, () -> Frequency.parse(spec));
    assertTrue(d.getMessage().contains("input.frequency"), d.getMessage());
  }

  @Test
  void nullSpecIsAConfigException() {
    assertThrows(ConfigException.class, () -> Frequency.parse(null, "input.frequency"));
  }

  @Test
  void timestampParserFormats() {
    assertEquals(utc("2020-01-02T00:00:00"), new TimestampParser("iso").parse("2020-01-02"));
    assertEquals(utc("2020-01-02T03:04:05"), new TimestampParser("iso").parse("2020-01-02T03:04:05"));
    assertEquals(utc("2020-01-02T03:04:05"), new TimestampParser("iso").parse("2020-01-02 03:04:05"));
    assertEquals(utc("2020-01-02T03:04:05"), new TimestampParser("iso").parse("2020-01-02T03:04:05Z"));
    assertEquals(utc("2020-01-02T05:04:05"), new TimestampParser("iso").parse("2020-01-02T03:04:05-02:00"));
    assertEquals(utc("2020-01-02T01:04:05"), new TimestampParser("iso").parse("2020-01-02T03:04:05+02:00"));
    assertEquals(1234L, new TimestampParser("epoch_millis").parse("1234"));
    assertEquals(1_234_000L, new TimestampParser("epoch_seconds").parse(" 1234 "));
    assertEquals(utc("2020-01-31T00:00:00"), new TimestampParser("yyyy-MM-dd").parse("2020-01-31"));
    assertEquals(utc("2020-01-31T13:45:00"), new TimestampParser("dd/MM/yyyy HH:mm").parse("31/01/2020 13:45"));
    assertThrows(RuntimeException.class, () -> new TimestampParser("yyyy-MM-dd").parse("2020/01/31"));
    assertThrows(RuntimeException.class, () -> new TimestampParser("iso").parse("yesterday"));
    assertThrows(RuntimeException.class, () -> new TimestampParser("epoch_millis").parse("12.5"));
    ConfigException e = assertThrows(ConfigException.class, () -> new TimestampParser("yyyy-MM-dd{"));
    assertTrue(e.getMessage().contains("input.timestamp.format"), e.getMessage());
  }
}
