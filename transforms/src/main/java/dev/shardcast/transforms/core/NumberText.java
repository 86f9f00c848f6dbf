package dev.shardcast.transforms.core;

/**
 * What a number is, for every reader and rule (CSV values, typed and untyped rule columns, rule
 * inference, reference tables, Parquet values), so one value is treated the same whatever the file
 * format or the path it takes.
 *
 * <p>In text, a number is a plain decimal:
 *
 * <pre>
 *   number   = [ "+" | "-" ] mantissa [ exponent ]
 *   mantissa = digits [ "." [ digits ] ] | "." digits        (so "5." and ".5" are numbers)
 *   exponent = ( "e" | "E" ) [ "+" | "-" ] digits
 *   digits   = one or more of 0-9 (ASCII)
 * </pre>
 *
 * <p>{@code 5.} and {@code .5} are numbers because pandas, DuckDB and spreadsheets read them. Not
 * numbers: hex floats ({@code 0x1p3}), Java type suffixes ({@code 5d}, {@code 2.5f}), the words
 * {@code NaN}, {@code Infinity} or {@code inf}, thousands separators, and surrounding whitespace
 * (the CSV reader trims every cell before anything sees it; Parquet text is taken as stored).
 * Missing values ({@code ""}, {@code NA}) are the callers' business: they are not numbers here.
 *
 * <p>A number must also be finite: text whose value overflows a double ({@code 1e309}) is a bad
 * number, as is a NaN or infinite value stored in a Parquet FLOAT/DOUBLE column. Underflow is not an
 * error ({@code 1e-400} is 0), as in every other reader.
 */
public final class NumberText {
  /** Why a cell that does not match the grammar was rejected. */
  public static final String NOT_A_NUMBER = "not a number";
  /** Why a value that is not finite (an overflow, a stored NaN or infinity) was rejected. */
  public static final String NOT_FINITE = "not a finite number";

  /**
   * Why a finite value column value was rejected: shards hold 32-bit floats (the windows layout also
   * before scaling), where anything beyond this range is infinite.
   */
  public static final String BEYOND_SHARDS = "beyond +-3.4e38, the range of the shards' 32-bit floats";

  private NumberText() {}

  /** Whether a value of a windowed column fits the shards' 32-bit floats (NaN, a missing cell, passes). */
  public static boolean fitsShards(double v) {
    return !(Math.abs(v) > Float.MAX_VALUE);
  }

  /** The value of {@code text}, or NaN when it is not a number or not finite (NaN is never a valid value). */
  public static double parse(String text) {
    if (text == null || !matches(text)) {
      return Double.NaN;
    }
    double v = Double.parseDouble(text); // the grammar is a subset of what parseDouble reads: no exception
    return finite(v) ? v : Double.NaN;
  }

  /** Whether {@code text} is a number whose value is finite. */
  public static boolean isNumber(String text) {
    return !Double.isNaN(parse(text));
  }

  /** The finiteness rule: a value read from a file is a number only when it is finite. */
  public static boolean finite(double v) {
    return Double.isFinite(v);
  }

  /** Why {@code text} is not a number ({@link #NOT_A_NUMBER} or {@link #NOT_FINITE}), or null when it is one. */
  public static String problem(String text) {
    if (text == null || !matches(text)) {
      return NOT_A_NUMBER;
    }
    return finite(Double.parseDouble(text)) ? null : NOT_FINITE;
  }

  /** Whether {@code text} has the shape of a number (its value may still overflow). */
  public static boolean matches(String text) {
    int n = text.length();
    int i = 0;
    if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
      i++;
    }
    int intDigits = digits(text, i);
    i += intDigits;
    int fracDigits = 0;
    if (i < n && text.charAt(i) == '.') {
      i++;
      fracDigits = digits(text, i);
      i += fracDigits;
    }
    if (intDigits == 0 && fracDigits == 0) {
      return false;
    }
    if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
        i++;
      }
      int expDigits = digits(text, i);
      if (expDigits == 0) {
        return false;
      }
      i += expDigits;
    }
    return i == n;
  }

  /** The number of ASCII digits from {@code from} on (Character.isDigit would also take other scripts' digits). */
  private static int digits(String text, int from) {
    int i = from;
    while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      i++;
    }
    return i - from;
  }
}
