package dev.shardcast.transforms.quality;

import java.math.BigDecimal;
import java.math.MathContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Escaping, number formatting and link targets shared by {@link QualityReportHtml}, {@link SvgHistogram} and the
 * training report (one escaping routine for every page the project writes).
 */
public final class HtmlText {

  /** What a missing (null) value shows as. */
  public static final String NONE = "—";

  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

  private HtmlText() {}

  /**
   * Relative paths are percent-encoded per segment (a space or '#' in a file name would otherwise break
   * the link); absolute URLs are linked only for http(s), so an edited report cannot plant a
   * javascript: link, and s3:// or gs:// paths, which a browser cannot open, are shown as text.
   */
  public static String href(String path) {
    if (SCHEME.matcher(path).find()) {
      String lower = path.toLowerCase(Locale.ROOT);
      return lower.startsWith("http://") || lower.startsWith("https://") ? path : null;
    }
    StringBuilder out = new StringBuilder();
    for (String segment : path.split("/", -1)) {
      if (out.length() > 0 || path.startsWith("/")) {
        out.append('/');
      }
      out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return path.startsWith("/") ? out.substring(1) : out.toString();
  }

  /** HTML-escapes text for both element content and quoted attribute values. */
  public static String esc(String s) {
    if (s == null) {
      return NONE;
    }
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> null;
      };
      if (rep != null && out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (out != null) {
        out.append(rep != null ? rep : String.valueOf(c));
      }
    }
    return out == null ? s : out.toString();
  }

  /**
   * Up to 4 significant digits; values of 1000 and more keep all their integer digits (a mean of 48213.7
   * shows as 48214, not 4.821e4); tiny values go to scientific notation rather than a row of zeros.
   */
  public static String num(Double v) {
    if (v == null) {
      return NONE;
    }
    if (v.isNaN()) {
      return "NaN";
    }
    if (v.isInfinite()) {
      return v > 0 ? "∞" : "−∞";
    }
    double a = Math.abs(v);
    if (a == 0) {
      return "0";
    }
    if (a >= 1000 && a < 1e15) {
      return Long.toString(Math.round(v));
    }
    BigDecimal d = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros();
    if (a >= 1e-4 && a < 1e15) {
      return d.toPlainString();
    }
    String digits = d.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - d.scale();
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return (v < 0 ? "-" : "") + mantissa + "e" + exponent;
  }
}
