package dev.shardcast.transforms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Patterns that leave out fields, as yearly, monthly and quarterly data sets are published: the text
 * names a period, and the timestamp is the start of it. STRICT resolution still rejects dates that do
 * not exist.
 */
class TimestampParserTest {
  private static long utc(String isoDateTime) {
    return LocalDateTime.parse(isoDateTime).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "yyyy          | 1992       | 1992-01-01T00:00",
      "yyyy          | 2021       | 2021-01-01T00:00",
      "yyyy-MM       | 1992-01    | 1992-01-01T00:00",
      "yyyy-MM       | 2020-12    | 2020-12-01T00:00",
      "yyyyMM        | 199202     | 1992-02-01T00:00",
      "MM/yyyy       | 03/1999    | 1999-03-01T00:00",
      "yyyy'Q'Q      | 1992Q1     | 1992-01-01T00:00",
      "yyyy'Q'Q      | 1992Q3     | 1992-07-01T00:00",
      "yyyy-'Q'Q     | 1992-Q2    | 1992-04-01T00:00",
      "yyyy-'Q'Q     | 2000-Q4    | 2000-10-01T00:00",
      "yyyy'Q'q      | 1992Q4     | 1992-10-01T00:00",
      "uuuu-MM       | 1992-05    | 1992-05-01T00:00",
      "yyyy-MM-dd    | 2020-02-29 | 2020-02-29T00:00",
      "yyyy-DDD      | 1992-032   | 1992-02-01T00:00",
  })
  void missingFieldsAreTheStartOfThePeriod(String pattern, String text, String expected) {
    assertEquals(utc(expected + ":00"), new TimestampParser(pattern.strip()).parse(text.strip()));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "yyyy-MM-dd  | 2021-02-30", // STRICT: no clamping to Feb 28
      "yyyy-MM-dd  | 2021-02-29",
      "yyyy-MM     | 1992-13",
      "yyyy-MM     | 1992-1",
      "yyyy-MM     | 1992",
      "yyyy        | 92",
      "yyyy        | 1992-01",
      "yyyy'Q'Q    | 1992Q5",
      "yyyy'Q'Q    | 1992Q0",
      "yyyy-'Q'Q   | 1992Q1",
      "yyyy-'Q'Q   | 1992-Q",
  })
  void textThatNamesNoSuchPeriodIsAnError(String pattern, String text) {
    TimestampParser p = new TimestampParser(pattern.strip());
    assertThrows(RuntimeException.class, () -> p.parse(text.strip()));
  }

  @Test
  void timeOfDayDefaultsToMidnightButAnAmPmHourIsKept() {
    assertEquals(utc("2020-01-31T13:45:00"), new TimestampParser("dd/MM/yyyy HH:mm").parse("31/01/2020 13:45"));
    assertEquals(utc("2020-01-31T13:00:00"), new TimestampParser("yyyy-MM-dd HH").parse("2020-01-31 13"));
    // The hour of "01:00 PM" comes from the am/pm half: a defaulted hour 0 would conflict with it.
    assertEquals(utc("2020-01-01T13:00:00"), new TimestampParser("yyyy-MM-dd hh:mm a").parse("2020-01-01 01:00 PM"));
    assertEquals(utc("2020-01-01T01:00:00"), new TimestampParser("yyyy-MM-dd hh:mm a").parse("2020-01-01 01:00 AM"));
  }

  @Test
  void quotedLettersAreTextNotFields() {
    assertEquals("yyyyQ", TimestampParser.patternLetters("yyyy'Q'Q"));
    assertEquals("yyyyQ", TimestampParser.patternLetters("yyyy-'Q'Q"));
    assertEquals("yyyyMMddHHmm", TimestampParser.patternLetters("yyyy-MM-dd'T'HH:mm"));
    assertEquals("yyyyMM", TimestampParser.patternLetters("yyyy''MM")); // '' is a quote character
  }

  @Test
  void onlyPatternsReadIntegersAsText() {
    assertTrue(new TimestampParser("yyyy").isPattern());
    assertFalse(new TimestampParser("iso").isPattern());
    assertFalse(new TimestampParser("epoch_millis").isPattern());
    assertFalse(new TimestampParser("epoch_seconds").isPattern());
  }

  @Test
  void aBadPatternNamesTheKeyAndTheAllowedForms() {
    ConfigException e = assertThrows(ConfigException.class, () -> new TimestampParser("yyyy-MM-dd{"));
    assertTrue(e.getMessage().contains("input.timestamp.format") && e.getMessage().contains("yyyy'Q'Q"), e.getMessage());
  }
}
