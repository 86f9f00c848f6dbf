package dev.shardcast.transforms.quality;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.shardcast.transforms.config.QualityConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What {@link RuleInference} proposes for one file, with what a reviewer needs to judge it.
 *
 * @param quality the proposed section: only {@code columns}, in header order
 * @param rows data rows read
 * @param truncated true when the file has more rows than were read ({@code --max-rows})
 * @param skippedRows rows left out for a field count other than the header's
 * @param nullColumns columns where a null (empty or NA) was seen
 * @param emptyColumns columns with no value at all: their type is a guess
 * @param timestampFormats per timestamp column, the ISO shapes seen as java.time patterns
 * @param periodFormats per text column whose every value is a month or quarter (1992-01, 1992Q1), the
 *     {@code input.timestamp.format} pattern that reads it
 */
public record InferredRules(
    QualityConfig quality,
    String source,
    long rows,
    boolean truncated,
    long skippedRows,
    List<String> nullColumns,
    List<String> emptyColumns,
    Map<String, Set<String>> timestampFormats,
    Map<String, String> periodFormats) {

  // ConfigLoader's YAML style, plus: no nulls (the loader's defaults fill them), and numeric-looking
  // text quoted, so an allowed value "1" reads back as the text it is, not the number 1.
  private static final ObjectMapper YAML =
      new ObjectMapper(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                  .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR))
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /** The section alone, as YAML: a top-level {@code quality:} mapping. */
  public String sectionYaml() {
    try {
      return YAML.writeValueAsString(Map.of("quality", quality));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The section with a header comment for the reviewer, ready to paste into a job file. */
  public String toYaml() {
    return headerComment() + sectionYaml();
  }

  String headerComment() {
    StringBuilder sb = new StringBuilder();
    line(sb, "Inferred by shardcast infer-rules from " + source + ", " + rows + " rows"
        + (truncated ? " (the first " + rows + " only; the file has more)" : "") + ".");
    line(sb, "REVIEW BEFORE USE: min, max, allowed and max_length are what these rows held, not limits");
    line(sb, "the data must meet. Widen or remove them where later data may go further, or a valid row");
    line(sb, "will be quarantined.");
    line(sb, "Nulls (empty or NA) seen in: " + (nullColumns.isEmpty() ? "no column" : String.join(", ", nullColumns))
        + "; every other column is nullable: false.");
    if (!emptyColumns.isEmpty()) {
      line(sb, "No values at all in: " + String.join(", ", emptyColumns) + " (type string is a guess).");
    }
    timestampFormats.forEach((column, patterns) -> line(sb, "Timestamp column " + column + ": "
        + patterns.stream().collect(Collectors.joining(", ")) + " (timestamp.format: iso reads "
        + (patterns.size() == 1 ? "it" : "all of them") + ")."));
    periodFormats.forEach((column, pattern) -> line(sb, "Column " + column + " holds periods (" + pattern
        + ", not ISO dates): as the time column, set input.timestamp.format: \"" + pattern + "\"."));
    if (skippedRows > 0) {
      line(sb, skippedRows + " rows with a field count other than the header's were left out.");
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String text) {
    // A file name with a line break must not end the comment and start YAML.
    sb.append("# ").append(text.replace('\n', ' ').replace('\r', ' ')).append('\n');
  }
}
