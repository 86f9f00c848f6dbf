package dev.shardcast.transforms.quality;

import static dev.shardcast.transforms.quality.SampleQualityReports.DELAY_BINS;
import static dev.shardcast.transforms.quality.SampleQualityReports.EVIL_BINS;
import static dev.shardcast.transforms.quality.SampleQualityReports.EVIL_COLUMN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.quality.QualityReport.ColumnStats;
import dev.shardcast.transforms.quality.QualityReport.RuleResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;

class QualityReportHtmlTest {

  private static final String HTML = QualityReportHtml.render(SampleQualityReports.failing());

  private static List<String> svgs(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL).matcher(html);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  private static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }

  private static void assertContains(String html, String... parts) {
    for (String p : parts) {
      assertTrue(html.contains(p), () -> "expected '" + p + "' in the page");
    }
  }

  @Test
  void isACompleteSelfContainedPage() {
    assertTrue(HTML.startsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
    assertTrue(HTML.endsWith("</html>\n"));
    assertContains(HTML, "<title>Data quality — flights-prepare</title>", "<meta charset=\"utf-8\">", "<style>");
    // Nothing fetched from elsewhere: no scripts, stylesheets, images, fonts or imports.
    for (String external : List.of("<script", "<link", "<img", "<iframe", "src=", "@import", "url(")) {
      assertFalse(HTML.contains(external), () -> "page should not contain " + external);
    }
  }

  @Test
  void bannerShowsVerdictReasonsAndRowAccounting() {
    assertContains(HTML, "class=\"banner v-fail\" style=\"background:" + QualityReportHtml.FAIL_COLOR + "\"",
        "<div class=\"verdict\">FAIL</div>",
        "<li>rule dep_delay_range failed 3.05% of rows &gt; max_fail_fraction 1%</li>",
        "<dt>read</dt><dd>10500</dd>", "<dt>used</dt><dd>10180</dd>", "<dt>quarantined</dt><dd>320</dd>",
        "<dt>not sampled</dt><dd>0</dd>");
    assertContains(HTML, "<tr><td>flights-jan</td><td class=\"n\">6000</td><td class=\"n\">5790</td>"
        + "<td class=\"n\">210</td><td class=\"n\">0</td></tr>", "<td>flights-feb</td>");
  }

  @Test
  void ruleTableHasFailPercentageAndColouredStatus() {
    assertContains(HTML, "<td>dep_delay_range</td><td>accurate</td><td>dep_delay</td>",
        "<td class=\"code\">-60 &lt;= x &lt;= 1440</td>",
        "<td class=\"n\">10500</td><td class=\"n\">320</td><td class=\"n\">3.048%</td><td class=\"n\">0.01</td>"
            + "<td><span class=\"st st-fail\">fail</span></td>",
        "<span class=\"st st-pass\">pass</span>", "<span class=\"st st-warn\">warn</span>",
        // the warn rule has no max_fail_fraction
        "<td class=\"n\">—</td><td><span class=\"st st-warn\">warn</span></td>");
  }

  @Test
  void oneHistogramPerNumericColumnWithOneBarPerBin() {
    List<String> svgs = svgs(HTML);
    assertEquals(2, svgs.size(), "dep_delay and the distance column are numeric; carrier is text");
    assertEquals(DELAY_BINS, count(svgs.get(0), "<rect class=\"bar\""));
    assertEquals(EVIL_BINS, count(svgs.get(1), "<rect class=\"bar\""));
    assertEquals(DELAY_BINS, count(svgs.get(0), "<title>"), "one tooltip per bar");
    assertContains(svgs.get(0), "<title>[-60, -45): 120</title>", "<title>[105, 120]: 5</title>",
        ">-60</text>", ">120</text>");
    // The text column's histogram cell (right after the name) is a dash.
    assertTrue(Pattern.compile("<td>carrier</td><td>—</td><td>string</td>").matcher(HTML).find());
  }

  @Test
  void histogramSvgIsWellFormedXmlEvenWithAHostileColumnName() throws Exception {
    for (String svg : svgs(HTML)) {
      Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
      assertEquals("svg", doc.getDocumentElement().getTagName());
    }
    assertContains(svgs(HTML).get(1), "aria-label=\"histogram of dist&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\"");
  }

  @Test
  void everyTextFromTheReportIsEscaped() {
    String escaped = "dist&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;";
    assertFalse(HTML.contains("<script"), "raw <script> from report data reached the page");
    assertFalse(HTML.contains(EVIL_COLUMN));
    // rule column, stats row, drift row, the reason and the svg label
    assertEquals(5, count(HTML, escaped));
    assertContains(HTML, "<td class=\"code\">x &gt; 0 &amp;&amp; x &lt; &quot;1e5&quot;</td>",
        "<td>parse: bad number &lt;NA&gt;</td>");
  }

  @Test
  void driftTableAgainstTheBaseline() {
    assertContains(HTML, "Against baseline <code>runs/2024-05-31/quality-report.json</code>",
        "<tr><td>dep_delay</td><td class=\"n\">0.41</td><td class=\"n\">0.27</td><td class=\"n\">1.02</td>"
            + "<td><span class=\"st st-warn\">warn</span></td><td>PSI 0.27 &gt; 0.2: distribution shifted</td></tr>");
    assertFalse(HTML.contains("No baseline"));
  }

  @Test
  void noBaselineSaysSo() {
    String html = QualityReportHtml.render(SampleQualityReports.failing(null));
    assertContains(html, "No baseline: drift was not measured for this run.");
    assertFalse(html.contains("class=\"drift\""));
  }

  @Test
  void quarantineLinksAreRelativeAndCountedByReason() {
    assertContains(HTML, "320 rows quarantined: <a href=\"quarantine.jsonl\">quarantine.jsonl</a>"
            + " · <a href=\"quarantine.parquet\">quarantine.parquet</a>",
        "<tr><td>dep_delay_range</td><td class=\"n\">300</td></tr>");
  }

  @Test
  void renderingIsDeterministic() {
    assertEquals(HTML, QualityReportHtml.render(SampleQualityReports.failing()));
    assertEquals(HTML, QualityReportHtml.render(QualityReport.fromJson(SampleQualityReports.failing().toJson())));
  }

  @Test
  void aReportOfNullsStillRenders() {
    Map<String, ColumnStats> columns = new LinkedHashMap<>();
    columns.put("x", new ColumnStats(null, 0, 0, null, null, null, null, 0, null,
        new QualityReport.Histogram(List.of(1.0, 1.0), List.of(5L)), null));
    columns.put("y", null);
    QualityReport r = new QualityReport(1, null, null, null, null, null, null, null, null,
        Arrays.asList(new RuleResult(null, null, null, null, null, null, 0, 0, null, null), null), columns,
        null, null, null);
    String html = QualityReportHtml.render(r);
    assertContains(html, "(unnamed job)", "NO VERDICT", "background:" + QualityReportHtml.OTHER_COLOR,
        "<dt>read</dt><dd>—</dd>", "No per-source row counts", "No baseline", "No quarantine files");
    // A constant column (min == max) still gets its single bar.
    assertEquals(1, count(html, "<rect class=\"bar\""));
  }

  @Test
  void warnAndPassBannersUseTheirColours() {
    QualityReport f = SampleQualityReports.failing();
    for (String verdict : List.of("pass", "warn")) {
      QualityReport r = new QualityReport(f.formatVersion(), f.job(), f.configHash(), f.startedAt(),
          f.finishedAt(), verdict, List.of(), f.rows(), f.sources(), f.rules(), f.columns(), f.baseline(),
          f.drift(), f.quarantine());
      String html = QualityReportHtml.render(r);
      assertContains(html, "background:" + QualityReportHtml.verdictColor(verdict),
          "<div class=\"verdict\">" + verdict.toUpperCase() + "</div>", "No threshold or drift limit exceeded.");
    }
    assertEquals(QualityReportHtml.PASS_COLOR, QualityReportHtml.verdictColor("pass"));
    assertEquals(QualityReportHtml.WARN_COLOR, QualityReportHtml.verdictColor("WARN"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0.0|0", "-0.0|0", "1.0|1", "0.1|0.1", "12.3456|12.35", "-0.000123456|-0.0001235", "999.96|1000",
      "1234.56|1235", "48213.7|48214", "10500|10500", "0.00001234|1.234e-5", "1e20|1e20", "2.5e-7|2.5e-7",
      "NaN|NaN", "Infinity|∞"})
  void numbersGetAtMostFourSignificantDigitsButKeepTheirThousands(double in, String expected) {
    assertEquals(expected, HtmlText.num(in));
  }

  @Test
  void nullNumberIsADash() {
    assertEquals("—", HtmlText.num(null));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "quarantine.jsonl|quarantine.jsonl", "out dir/q #1.jsonl|out%20dir/q%20%231.jsonl",
      "/data/q.parquet|/data/q.parquet", "https://example.com/q.jsonl|https://example.com/q.jsonl"})
  void hrefsAreEncoded(String path, String expected) {
    assertEquals(expected, HtmlText.href(path));
  }

  @Test
  void onlyHttpUrlsBecomeLinks() {
    assertNull(HtmlText.href("javascript:alert(1)"));
    assertNull(HtmlText.href("s3://bucket/run/quarantine.parquet"));
  }
}
