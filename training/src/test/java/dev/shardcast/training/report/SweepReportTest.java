package dev.shardcast.training.report;

import static dev.shardcast.training.report.TrainingReportTest.chart;
import static dev.shardcast.training.report.TrainingReportTest.count;
import static dev.shardcast.training.report.TrainingReportTest.points;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep comparison page, and reading a trial's curve back from its run log. */
class SweepReportTest {
  static final int FINISHED = 11;

  /** 11 finished trials (ranks 1..11, epochs 3..13) and one unfinished, with a hostile parameter value. */
  static SweepReport sample() {
    List<SweepReport.Trial> trials = new ArrayList<>();
    for (int i = 0; i < FINISHED; i++) {
      Map<String, String> p = new LinkedHashMap<>();
      p.put("train.model.type", i % 2 == 0 ? "mlp" : "linear");
      p.put("train.optimizer.learning_rate", i == 4 ? SampleReports.EVIL : "1e-" + (i % 4 + 2));
      trials.add(new SweepReport.Trial(i + 1, String.format("t-%010x", i), p, 0.4 + i / 100.0, 50.0 + i,
          0.6 + i / 100.0, 45.0 + i, 1.0 + i / 100.0, 3 + i, SampleReports.epochs(3 + i, 1 + i / 10.0),
          i == 0 ? "t-0000000000/report.html" : null));
    }
    trials.add(new SweepReport.Trial(null, "t-ffffffffff", Map.of("train.model.type", "lstm"), null, null, null, null,
        null, 0, List.of(), null));
    return new SweepReport("demo", trials);
  }

  @Test
  void rankedTableWithEveryParameterAndOneCurvePerTrial() {
    String html = sample().render();
    assertTrue(html.contains("<th>train.model.type</th><th>train.optimizer.learning_rate</th>"), "a column per key");
    assertEquals(FINISHED + 1, count(html, "<tr") - 1, "one row per trial (and the header)");
    assertTrue(html.contains("<tr class=\"chosen\"><td class=\"n\">1</td><td><a href=\"t-0000000000/report.html\">"));
    assertTrue(html.contains("<td class=\"n best\" title=\"50.0\">50</td>"), "the best val MAE");
    assertTrue(html.contains("not finished"));
    assertFalse(html.contains(SampleReports.EVIL));
    assertTrue(html.contains("&lt;script&gt;"));
    String svg = chart(html, "val loss per epoch");
    for (int i = 0; i < FINISHED; i++) {
      assertEquals(List.of(3 + i), points(svg, "#" + (i + 1) + " " + String.format("t-%010x", i)), "trial " + i);
    }
    // the best 8 in the legend (in rank order), the other 3 grey and only named on hover
    assertEquals(SweepReport.COLOURED, count(svg, "font-size=\"11\" fill=\"" + SvgCharts.BLACK + "\">#"));
    assertTrue(svg.indexOf(">#1 t-0000000000</text>") < svg.indexOf(">#2 t-0000000001</text>"));
    assertEquals(FINISHED - SweepReport.COLOURED, count(svg, "stroke=\"" + SvgCharts.GREY + "\" stroke-width=\"1.0\""));
    assertEquals(html, sample().render(), "same trials, same bytes");
  }

  @Test
  void runLogHistoryFollowsTheCurrentRun(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("run.jsonl");
    Files.writeString(log, String.join("\n",
        "{\"event\":\"sweep_trial\",\"trial\":\"t-1\"}",
        "{\"event\":\"run_start\",\"resumed_from\":null}",
        "{\"event\":\"starting_point\",\"val_loss\":9.0}",
        "{\"event\":\"epoch\",\"epoch\":0,\"train_loss\":5,\"val_loss\":4,\"windows\":10}",
        "{\"event\":\"epoch\",\"epoch\":1,\"train_loss\":3,\"val_loss\":2,\"windows\":10}",
        // a fresh run in the same folder starts the story over
        "{\"event\":\"run_start\",\"resumed_from\":null}",
        "{\"event\":\"starting_point\",\"val_loss\":1.5}",
        "{\"event\":\"epoch\",\"epoch\":0,\"train_loss\":1,\"val_loss\":1.25,\"windows\":10,\"data_wait_fraction\":0.5}",
        "{\"event\":\"checkpoint\",\"epoch\":1}",
        // killed mid-epoch 1, resumed: epoch 0 is not repeated, epoch 1 logged once after the resume
        "{\"event\":\"run_start\",\"resumed_from\":\"ck#step=3\"}",
        "{\"event\":\"epoch\",\"epoch\":1,\"train_loss\":0.5,\"val_loss\":null,\"windows\":4}",
        "{\"event\":\"epoch\",\"epo"));
    RunLogHistory h = RunLogHistory.read(log);
    assertEquals(1.5, h.startingPoint());
    assertEquals(2, h.epochs().size());
    assertEquals(1.25, h.epochs().get(0).valLoss());
    assertEquals(0.5, h.epochs().get(0).dataWaitFraction());
    assertEquals(0.5, h.epochs().get(1).trainLoss());
    assertTrue(Double.isNaN(h.epochs().get(1).valLoss()), "a null val loss stays missing");
    assertEquals(List.of(), RunLogHistory.read(dir.resolve("none.jsonl")).epochs());
  }
}
