package dev.shardcast.transforms.quality;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.measure.IncommensurableException;
import javax.measure.MetricPrefix;
import javax.measure.Unit;
import javax.measure.UnitConverter;
import javax.measure.format.MeasurementParseException;
import systems.uom.common.USCustomary;
import tech.units.indriya.format.SimpleUnitFormat;

/**
 * Unit symbols to converters, from Indriya (JSR 385): SI symbols with prefixes and products
 * ({@code m}, {@code km}, {@code km/h}, {@code °C}, {@code kg}) through its unit format, plus the
 * common non-SI symbols a data set uses (mi, ft, kn, mph, lb, °F), whose definitions come from the
 * systems-common library. No conversion factor is written here.
 */
public final class UnitTable {
  private static final Map<String, Unit<?>> ALIASES = Map.ofEntries(
      Map.entry("mi", USCustomary.MILE),
      Map.entry("ft", USCustomary.FOOT),
      Map.entry("in", USCustomary.INCH),
      Map.entry("yd", USCustomary.YARD),
      Map.entry("nmi", USCustomary.NAUTICAL_MILE),
      Map.entry("kn", USCustomary.NAUTICAL_MILE.divide(USCustomary.HOUR)),
      Map.entry("kt", USCustomary.NAUTICAL_MILE.divide(USCustomary.HOUR)),
      Map.entry("mph", USCustomary.MILE.divide(USCustomary.HOUR)),
      Map.entry("lb", USCustomary.POUND),
      Map.entry("°F", USCustomary.FAHRENHEIT),
      Map.entry("degF", USCustomary.FAHRENHEIT),
      Map.entry("degC", tech.units.indriya.unit.Units.CELSIUS),
      Map.entry("hPa", MetricPrefix.HECTO(tech.units.indriya.unit.Units.PASCAL)),
      Map.entry("mb", MetricPrefix.HECTO(tech.units.indriya.unit.Units.PASCAL)));

  private static final Map<String, UnitConverter> CONVERTERS = new ConcurrentHashMap<>();

  private UnitTable() {}

  /** @throws IllegalArgumentException for an unknown symbol */
  public static Unit<?> unit(String symbol) {
    String s = symbol.trim();
    Unit<?> alias = ALIASES.get(s);
    if (alias != null) {
      return alias;
    }
    try {
      return SimpleUnitFormat.getInstance().parse(s);
    } catch (MeasurementParseException | IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown unit '" + symbol + "' (SI symbols such as m, km, kg, s, h, °C, "
          + "km/h, hPa, or one of " + new java.util.TreeSet<>(ALIASES.keySet()) + ")");
    }
  }

  /**
   * Converts {@code value} from one unit to another.
   *
   * @throws IllegalArgumentException when a symbol is unknown or the units measure different things
   */
  public static double convert(double value, String from, String to) {
    if (from.equals(to)) {
      return value;
    }
    return converter(from, to).convert(value);
  }

  public static UnitConverter converter(String from, String to) {
    return CONVERTERS.computeIfAbsent(from + "\u0000" + to, k -> {
      Unit<?> f = unit(from);
      Unit<?> t = unit(to);
      try {
        return f.getConverterToAny(t);
      } catch (IncommensurableException | javax.measure.UnconvertibleException e) {
        throw new IllegalArgumentException("unit '" + from + "' cannot be converted to '" + to + "' ("
            + f.getDimension() + " vs " + t.getDimension() + ")");
      }
    });
  }
}
