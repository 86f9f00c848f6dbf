package dev.shardcast.transforms.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.shardcast.transforms.config.QualityConfig.ColumnRules;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleInferenceTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final String CSV = String.join("\n",
      "count,price,color,day,name,flag",
      "5,1.5,red,2021-03-01,alice,true",
      "-3,2,blue,2020-12-31,bob,FALSE",
      "NA,0.25,green,2021-01-15,carol,true",
      "12,-7.75,blue,2021-02-28,dave,false",
      "");

  private static InferredRules infer(String csv, int maxCategories, long maxRows) throws IOException {
    return new RuleInference(maxCategories, maxRows).infer("test.csv", new StringReader(csv));
  }

  private static String json(Object check) {
    return check == null ? null : check.toString();
  }

  @Test
  void typesNullsRangesAndCategories() throws IOException {
    InferredRules r = infer(CSV, 3, 0);
    Map<String, ColumnRules> c = r.quality().columns();
    assertEquals(List.of("count", "price", "color", "day", "name", "flag"), List.copyOf(c.keySet()));
    assertEquals(4, r.rows());

    ColumnRules count = c.get("count");
    assertEquals("\"long\"", json(count.type()));
    assertEquals("true", json(count.nullable()));
    assertEquals("-3", json(count.min()));
    assertEquals("12", json(count.max()));
    assertNull(count.allowed());
    assertNull(count.maxLength());

    ColumnRules price = c.get("price");
    assertEquals("\"double\"", json(price.type()));
    assertEquals("false", json(price.nullable()));
    assertEquals(-7.75, price.min().value().doubleValue());
    assertEquals(2.0, price.max().value().doubleValue());

    ColumnRules color = c.get("color");
    assertEquals("\"string\"", json(color.type()));
    assertEquals("[\"blue\",\"green\",\"red\"]", json(color.allowed()));
    assertEquals("5", json(color.maxLength()));
    assertNull(color.min());

    ColumnRules day = c.get("day");
    assertEquals("\"timestamp\"", json(day.type()));
    assertEquals("\"2020-12-31\"", json(day.min()));
    assertEquals("\"2021-03-01\"", json(day.max()));
    assertNull(day.maxLength());
    assertEquals(Map.of("day", Set.of("yyyy-MM-dd")), r.timestampFormats());

    ColumnRules name = c.get("name");
    assertEquals("\"string\"", json(name.type()));
    assertNull(name.allowed(), "4 distinct values > max categories 3");
    assertEquals("5", json(name.maxLength()));

    ColumnRules flag = c.get("flag");
    assertEquals("\"boolean\"", json(flag.type()));
    assertNull(flag.allowed());

    assertEquals(List.of("count"), r.nullColumns());
  }

  @Test
  void yamlIsTheSectionWithNullsDroppedAndAHeaderComment() throws IOException {
    InferredRules r = infer(CSV, 3, 0);
    String expected = String.join("\n",
        "quality:",
        "  columns:",
        "    count:",
        "      type: long",
        "      nullable: true",
        "      min: -3",
        "      max: 12",
        "    price:",
        "      type: double",
        "      nullable: false",
        "      min: -7.75",
        "      max: 2.0",
        "    color:",
        "      type: string",
        "      nullable: false",
        "      allowed:",
        "        - blue",
        "        - green",
        "        - red",
        "      max_length: 5",
        "    day:",
        "      type: timestamp",
        "      nullable: false",
        "      min: 2020-12-31",
        "      max: 2021-03-01",
        "    name:",
        "      type: string",
        "      nullable: false",
        "      max_length: 5",
        "    flag:",
        "      type: boolean",
        "      nullable: false",
        "");
    assertEquals(expected, r.sectionYaml());
    String yaml = r.toYaml();
    assertTrue(yaml.endsWith(expected));
    String header = yaml.substring(0, yaml.length() - expected.length());
    for (String line : header.split("\n")) {
      assertTrue(line.startsWith("# "), line);
    }
    assertTrue(header.contains("from test.csv, 4 rows."), header);
    assertTrue(header.contains("Nulls (empty or NA) seen in: count;"), header);
    assertTrue(header.contains("not limits"), header);
    assertTrue(header.contains("Timestamp column day: yyyy-MM-dd"), header);
  }

  @Test
  void dateTimesMixedShapesAndOffsetsCompareAsInstants() throws IOException {
    String csv = "t\n2021-01-01T10:00\n2021-01-01 09:30:15\n2021-01-01T12:00:00.5+05:00\n2021-01-02\n";
    InferredRules r = infer(csv, 20, 0);
    ColumnRules t = r.quality().columns().get("t");
    assertEquals("\"timestamp\"", json(t.type()));
    assertEquals("\"2021-01-01T12:00:00.5+05:00\"", json(t.min()), "07:00 UTC is the earliest");
    assertEquals("\"2021-01-02\"", json(t.max()));
    assertEquals(Set.of("yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.SXXX", "yyyy-MM-dd"),
        r.timestampFormats().get("t"));
  }

  @Test
  void monthsAndQuartersAreNamedWithThePatternThatReadsThem() throws IOException {
    String csv = String.join("\n", "month,quarter,dashed,year,mixed",
        "1992-01,1992Q1,1992-Q1,1992,1992-01",
        "1992-02,1992Q2,1992-Q2,1993,1992Q1",
        "1999-12,2000Q4,2000-Q4,2021,1992-03", "");
    InferredRules r = infer(csv, 20, 0);
    assertEquals(Map.of("month", "yyyy-MM", "quarter", "yyyy'Q'Q", "dashed", "yyyy-'Q'Q"), r.periodFormats());
    // Still text: a type: timestamp rule reads ISO on any column but the job's time column.
    assertEquals("\"string\"", json(r.quality().columns().get("month").type()));
    assertEquals("\"long\"", json(r.quality().columns().get("year").type()));
    assertEquals(Map.of(), r.timestampFormats());
    String header = r.toYaml();
    assertTrue(header.contains("# Column month holds periods (yyyy-MM, not ISO dates): as the time column, set "
        + "input.timestamp.format: \"yyyy-MM\"."), header);
    assertTrue(header.contains("set input.timestamp.format: \"yyyy'Q'Q\"."), header);
    // Each proposed pattern reads every value of its column with the job's own parser.
    for (Map.Entry<String, String> e : r.periodFormats().entrySet()) {
      var parser = new dev.shardcast.transforms.config.TimestampParser(e.getValue());
      int col = List.of(csv.split("\n")[0].split(",")).indexOf(e.getKey());
      csv.lines().skip(1).forEach(line -> parser.parse(line.split(",")[col]));
    }
  }

  @Test
  void anIsoDateColumnIsNoPeriodColumn() throws IOException {
    InferredRules r = infer("day,text\n2021-01-01,1992-01\n2021-02-01,hello\n", 20, 0);
    assertEquals(Map.of(), r.periodFormats(), "one value of text is no month");
    assertEquals(Map.of("day", Set.of("yyyy-MM-dd")), r.timestampFormats());
  }

  @Test
  void notQuiteNumbersOrDatesAreStrings() throws IOException {
    // 5d and 0x1p3 are Java literals CsvSource rejects; 2021-02-30 is no date; 99999999999999999999 > Long.MAX.
    String csv = "a,b,c,d,e\n1,0x1p3,2021-02-30,99999999999999999999,yes\n5d,1,2021-01-01,1,no\n";
    Map<String, ColumnRules> c = infer(csv, 20, 0).quality().columns();
    assertEquals("\"string\"", json(c.get("a").type()));
    assertEquals("\"string\"", json(c.get("b").type()));
    assertEquals("\"string\"", json(c.get("c").type()));
    assertEquals("\"double\"", json(c.get("d").type()));
    assertEquals("\"string\"", json(c.get("e").type()));
  }

  /** The readers' number grammar: 5. and .5 are doubles; an overflow (1e309) or a NaN makes a column text. */
  @Test
  void doublesAreWhatTheReadersAccept() throws IOException {
    String csv = "a,b,c\n5.,1e309,1\n.5,1,NaN\n1e308,2,3\n";
    Map<String, ColumnRules> c = infer(csv, 20, 0).quality().columns();
    assertEquals("\"double\"", json(c.get("a").type()));
    assertEquals(0.5, c.get("a").min().value().doubleValue());
    assertEquals(1e308, c.get("a").max().value().doubleValue());
    assertEquals("\"string\"", json(c.get("b").type()));
    assertEquals("\"string\"", json(c.get("c").type()));
  }

  @Test
  void numericAndKeywordLikeTextStaysTextInTheYaml() throws IOException {
    String csv = "code\n1\nx\n007\nnull\ntrue\n-2.5\n";
    InferredRules r = infer(csv, 20, 0);
    String allowed = YAML.readTree(r.sectionYaml()).path("quality").path("columns").path("code").path("allowed").toString();
    assertEquals("[\"-2.5\",\"007\",\"1\",\"null\",\"true\",\"x\"]", allowed);
  }

  @Test
  void maxRowsReadsOnlyTheFirstRowsAndSaysSo() throws IOException {
    InferredRules r = infer(CSV, 20, 2);
    assertEquals(2, r.rows());
    assertTrue(r.truncated());
    assertEquals("5", json(r.quality().columns().get("count").max()));
    assertEquals("false", json(r.quality().columns().get("count").nullable()), "the NA is in row 3");
    assertTrue(r.toYaml().contains("(the first 2 only; the file has more)"), r.toYaml());
    assertFalse(infer(CSV, 20, 4).truncated(), "exactly all rows read");
  }

  @Test
  void byteOrderMarkAndRaggedRows() throws IOException {
    InferredRules r = infer("\uFEFFid,v\na,1\nb,2,extra\nc\nd,4\n", 20, 0);
    assertEquals(List.of("id", "v"), List.copyOf(r.quality().columns().keySet()));
    assertEquals(4, r.rows());
    assertEquals(2, r.skippedRows());
    assertEquals("4", json(r.quality().columns().get("v").max()));
    assertTrue(r.toYaml().contains("2 rows with a field count other than the header's were left out"));
  }

  @Test
  void headerOnlyGivesColumnsWithoutValues() throws IOException {
    InferredRules r = infer("a,b\n", 20, 0);
    assertEquals(0, r.rows());
    assertEquals(List.of("a", "b"), r.emptyColumns());
    assertEquals("\"string\"", json(r.quality().columns().get("a").type()));
    assertNull(r.quality().columns().get("a").allowed());
    assertNull(r.quality().columns().get("a").maxLength());
  }

  @Test
  void noHeaderIsAnError() {
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> infer("", 20, 0));
    assertTrue(empty.getMessage().contains("no header"), empty.getMessage());
    IllegalArgumentException data = assertThrows(IllegalArgumentException.class, () -> infer("1,2.5\n3,4\n", 20, 0));
    assertTrue(data.getMessage().contains("looks like data"), data.getMessage());
    IllegalArgumentException blank = assertThrows(IllegalArgumentException.class, () -> infer("a,,c\n1,2,3\n", 20, 0));
    assertTrue(blank.getMessage().contains("bad CSV header"), blank.getMessage());
  }

  @Test
  void brokenQuotingIsAnErrorNamingTheFile() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> infer("a,b\n\"x\"y,1\n", 20, 0));
    assertTrue(e.getMessage().startsWith("test.csv: not valid CSV"), e.getMessage());
  }
}
