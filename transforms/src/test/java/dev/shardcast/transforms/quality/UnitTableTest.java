package dev.shardcast.transforms.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Conversions with factors known by definition; no factor here comes from running the code. */
class UnitTableTest {
  @Test
  void metresToKilometres() {
    assertEquals(2.5, UnitTable.convert(2500, "m", "km"), 1e-12);
    assertEquals(2500, UnitTable.convert(2.5, "km", "m"), 1e-9);
  }

  @Test
  void kilometresPerHourToMetresPerSecond() {
    assertEquals(10.0, UnitTable.convert(36, "km/h", "m/s"), 1e-12); // 36000 m / 3600 s
  }

  @Test
  void celsiusToKelvinIsAnOffset() {
    assertEquals(293.15, UnitTable.convert(20, "°C", "K"), 1e-9);
    assertEquals(273.15, UnitTable.convert(0, "degC", "K"), 1e-9);
    assertEquals(100.0, UnitTable.convert(212, "°F", "°C"), 1e-9);
  }

  @Test
  void knotsToKilometresPerHour() {
    assertEquals(1.852, UnitTable.convert(1, "kn", "km/h"), 1e-12); // 1 nmi = 1852 m
    assertEquals(185.2, UnitTable.convert(100, "kt", "km/h"), 1e-9);
  }

  @Test
  void milesToKilometres() {
    assertEquals(1.609344, UnitTable.convert(1, "mi", "km"), 1e-12); // international mile
  }

  @Test
  void poundsToKilograms() {
    assertEquals(0.45359237, UnitTable.convert(1, "lb", "kg"), 1e-12); // international pound
  }

  @Test
  void hectopascalsAndMillibars() {
    assertEquals(101325, UnitTable.convert(1013.25, "hPa", "Pa"), 1e-6);
    assertEquals(1013.25, UnitTable.convert(1013.25, "mb", "hPa"), 1e-9);
  }

  @Test
  void incompatibleUnitsThrowWithBothSymbols() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnitTable.convert(1, "m", "kg"));
    assertTrue(e.getMessage().contains("'m' cannot be converted to 'kg'"), e.getMessage());
    IllegalArgumentException speed = assertThrows(IllegalArgumentException.class, () -> UnitTable.converter("kn", "km"));
    assertTrue(speed.getMessage().contains("'kn' cannot be converted to 'km'"), speed.getMessage());
  }

  @Test
  void unknownSymbolThrowsAndListsTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnitTable.convert(1, "furlong", "m"));
    assertTrue(e.getMessage().contains("unknown unit 'furlong'"), e.getMessage());
    assertTrue(e.getMessage().contains("kn"), "names the aliases: " + e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> UnitTable.unit("not a unit"));
  }
}
