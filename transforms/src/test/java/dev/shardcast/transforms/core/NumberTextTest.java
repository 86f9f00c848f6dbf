package dev.shardcast.transforms.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NumberTextTest {
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "0|0", "-0|-0.0", "+7|7", "12|12", "007|7", "1.5|1.5", "-2.25|-2.25",
      "5.|5", ".5|0.5", "-.5|-0.5", "+5.|5", "5.e3|5000",
      "1e3|1000", "1E3|1000", "1e+3|1000", "-1E-2|-0.01", ".5e1|5",
      "1e308|1e308", "-1.7976931348623157e308|-1.7976931348623157e308", "1e-400|0",
      "123456789012345678901234567890|1.2345678901234568e29"})
  void numbers(String text, double value) {
    assertEquals(value, NumberText.parse(text), text);
    assertTrue(NumberText.isNumber(text), text);
    assertNull(NumberText.problem(text), text);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {
      "", ".", "-", "+", "+-1", "--1", "1..2", "1.2.3", "e3", ".e3", "1e", "1e+", "1e3.5", "1,000", "1_000",
      "0x1p3", "0X10", "5d", "5D", "2.5f", "2.5F", "1L", "NaN", "nan", "-NaN", "Infinity", "-Infinity", "inf",
      "-inf", "abc", " 1", "1 ", "\t1", "1\n", "١٢" /* Arabic-Indic digits */, "½"})
  void notNumbers(String text) {
    assertFalse(NumberText.matches(text), text);
    assertTrue(Double.isNaN(NumberText.parse(text)), text);
    assertFalse(NumberText.isNumber(text), text);
    assertEquals(NumberText.NOT_A_NUMBER, NumberText.problem(text), text);
  }

  /** The shape of a number, but a double cannot hold its value: a bad number, not Infinity. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"1e309", "-1e309", "2e308", "1e99999999999999999999", "18e307"})
  void overflowIsNotFinite(String text) {
    assertTrue(NumberText.matches(text), text);
    assertTrue(Double.isNaN(NumberText.parse(text)), text);
    assertFalse(NumberText.isNumber(text), text);
    assertEquals(NumberText.NOT_FINITE, NumberText.problem(text), text);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void storedNonFiniteValuesAreNotNumbers(double v) {
    assertFalse(NumberText.finite(v));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(doubles = {0, -0.0, 1e308, -Double.MAX_VALUE, Double.MIN_VALUE})
  void finiteValuesAre(double v) {
    assertTrue(NumberText.finite(v));
  }

  @org.junit.jupiter.api.Test
  void nullIsNotANumber() {
    assertTrue(Double.isNaN(NumberText.parse(null)));
    assertEquals(NumberText.NOT_A_NUMBER, NumberText.problem(null));
  }
}
