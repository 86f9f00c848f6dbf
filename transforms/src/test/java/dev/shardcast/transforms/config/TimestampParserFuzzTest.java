package dev.shardcast.transforms.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;

/**
 * The timestamp parser on an arbitrary format and text: the input's first line is the format
 * ({@code input.timestamp.format}), the rest the cell text. Contract: a format is accepted or refused
 * with a {@link ConfigException}; a text parses or fails with a {@link DateTimeException} or a
 * {@link NumberFormatException} (the reader quarantines the row as bad_timestamp). Regression inputs
 * (plain text files): {@code src/test/resources/dev/shardcast/transforms/config/TimestampParserFuzzTestInputs/}.
 */
class TimestampParserFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void parsesOrRefuses(byte[] input) {
    String all = new String(input, StandardCharsets.UTF_8);
    int nl = all.indexOf('\n');
    String format = nl < 0 ? "iso" : all.substring(0, nl);
    String text = nl < 0 ? all : all.substring(nl + 1);
    TimestampParser parser;
    try {
      parser = new TimestampParser(format);
    } catch (ConfigException e) {
      return;
    }
    try {
      parser.parse(text);
    } catch (DateTimeException | NumberFormatException e) {
      // documented: the reader quarantines the row
    }
  }
}
