package dev.shardcast.transforms.quality;

import static dev.shardcast.transforms.quality.QualityJobs.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.shardcast.transforms.config.JobPlan;
import org.junit.jupiter.api.Test;

/** Rule-only columns without a type: numeric rules parse their text. */
class UntypedNumericRulesTest {
  private static RowChecks checks(String columns) {
    JobPlan plan = QualityJobs.plan("quality:\n  columns:\n" + columns);
    return new RowChecks(plan, RuleSet.compile(plan), plan.sources().get(0));
  }

  /** docs: other columns are read as text, "numbers parsed for numeric rules". min/max on an untyped rule column never fail. */
  @Test
  void minOnUntypedNonValueColumnIsEnforced() {
    RowChecks c = checks("    pressure: {min: 900, max: 1100}\n");
    RowChecks.Failure f = c.check(text("pressure", "5"), new double[] {1, 1, 1});
    assertNotNull(f, "pressure 5 is below min 900 but the row was accepted");
  }

  /** A numeric bound makes an untyped rule column numeric: text that is not a number fails it. */
  @Test
  void textInAColumnWithANumericBoundIsNotANumber() {
    RowChecks c = checks("    pressure: {min: 900}\n");
    RowChecks.Failure f = c.check(text("pressure", "n/a"), new double[] {1, 1, 1});
    assertNotNull(f);
    assertEquals("pressure.min", f.ruleId());
    assertEquals("not a number", f.message());
    assertNull(c.check(text("pressure", "950"), new double[] {1, 1, 1}));
  }

  /** Java literal forms and overflows are not numbers in a rule column either (0x1p10 is not 1024). */
  @Test
  void numericRulesUseTheReadersNumberGrammar() {
    RowChecks c = checks("    pressure: {min: 900}\n");
    for (String t : new String[] {"0x1p10", "950d", "1000f", "1e309", "Infinity"}) {
      RowChecks.Failure f = c.check(text("pressure", t), new double[] {1, 1, 1});
      assertNotNull(f, t + " passed min 900");
      assertEquals("not a number", f.message(), t);
    }
    assertNull(c.check(text("pressure", "950."), new double[] {1, 1, 1}));
    assertNull(c.check(text("pressure", "1e308"), new double[] {1, 1, 1}));
  }

  /** "NA" is empty in a numeric column, as in value columns; in a text column it is text. */
  @Test
  void naIsEmptyInANumericColumnOnly() {
    RowChecks c = checks("    pressure: {min: 900, nullable: false}\n    code: {nullable: false}\n");
    RowChecks.Failure f = c.check(text("pressure", "NA", "code", "NA"), new double[] {1, 1, 1});
    assertNotNull(f);
    assertEquals("pressure.nullable", f.ruleId(), "NA in pressure is a missing value, not a number below 900");
    java.util.Map<String, Long> counts = new java.util.LinkedHashMap<>();
    c.counts(counts::put);
    assertEquals(0L, counts.get("rule.pressure.min.checked"), "min skips the empty cell");
    assertEquals(0L, counts.get("rule.code.nullable.failed"), "code's NA is text");
  }
}
