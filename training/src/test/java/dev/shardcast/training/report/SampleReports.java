package dev.shardcast.training.report;

import dev.shardcast.training.train.EpochMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-made report inputs with known numbers (and hostile names) for the report tests. */
final class SampleReports {
  static final String EVIL = "<script>alert('x')</script> & \"q\"";
  static final int EPOCHS = 7;
  static final int PAST = 12;
  static final int FUTURE = 3;
  static final int SAMPLES = 4;

  private SampleReports() {}

  static List<EpochMetrics> epochs(int n, double scale) {
    List<EpochMetrics> out = new ArrayList<>();
    for (int e = 0; e < n; e++) {
      out.add(new EpochMetrics(e, scale * (1.0 / (e + 1) + 0.05), scale * (0.8 / (e + 1) + 0.1), 4049,
          20_000 + 1000 * e, 0.02 + 0.01 * e, 1.5));
    }
    return out;
  }

  static Map<String, Object> step(int step, double mae, double sn, double lv, double ridge) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("step", step);
    s.put("points", 552L);
    s.put("mae", mae);
    s.put("mae_seasonal_naive", sn);
    s.put("mae_last_value", lv);
    s.put("mae_ridge", ridge);
    return s;
  }

  /** metrics.json's test map: one target, the model beating every baseline. */
  static Map<String, Object> test() {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("points", 1656L);
    all.put("points_excluded_filled", 6L);
    all.put("mae", 40.0812);
    all.put("rmse", 98.66);
    all.put("mase_seasonal_naive", 0.9536);
    all.put("mase_last_value", 0.2658);
    all.put("mae_seasonal_naive", 42.03);
    all.put("mae_last_value", 150.8);
    all.put("season", 12);
    all.put("mae_ridge", 55.36);
    all.put("rmse_ridge", 120.1);
    all.put("mase_ridge", 1.317);
    all.put("mae_ratio_to_ridge", 0.724);
    all.put("per_step", List.of(step(1, 30.5, 35.1, 100.2, 40.3), step(2, 40.25, 42.0, 150.0, 55.5),
        step(3, 49.5, 49.0, 202.2, 70.1)));
    Map<String, Object> test = new LinkedHashMap<>();
    test.put("split", "test");
    test.put("windows", 552L);
    test.put("points_excluded_filled", 6L);
    test.put("all", all);
    test.put("sales", all);
    return test;
  }

  static ForecastSamples samples(boolean reversed) {
    ForecastSamples s = new ForecastSamples(SAMPLES, 0);
    List<Runnable> offers = new ArrayList<>();
    for (int series = 0; series < 10; series++) {
      String name = "city-" + series + " " + EVIL; // every plotted title carries the hostile text
      for (int w = 0; w < 3; w++) {
        long start = 1_393_632_000_000L + w * 2_678_400_000L;
        double[] past = new double[PAST];
        for (int i = 0; i < PAST; i++) {
          past[i] = 100 + series * 10 + i + w;
        }
        double[] truth = {120 + w, 121 + w, 122 + w};
        double[] forecast = {119 + w, 122 + w, 121.5 + w};
        boolean[] observed = {true, false, true};
        double[][] q = {{110, 111, 112}, {119, 122, 121.5}, {130, 131, 132}};
        offers.add(() -> s.offer(name, "sales", start, past, truth, forecast, observed, q, List.of(0.1, 0.5, 0.9)));
      }
    }
    if (reversed) {
      java.util.Collections.reverse(offers);
    }
    offers.forEach(Runnable::run);
    return s;
  }

  static TrainingReport.Choice choice() {
    List<Map<String, Object>> candidates = new ArrayList<>();
    Map<String, List<EpochMetrics>> curves = new LinkedHashMap<>();
    Map<String, String> reports = new LinkedHashMap<>();
    String[] names = {"linear", "mlp", "lstm"};
    double[] val = {57.5, 55.0, 58.25};
    for (int i = 0; i < names.length; i++) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("type", names[i]);
      c.put("val_mae", val[i]);
      if (i != 1) {
        c.put("val_mae_minus_lowest", val[i] - val[1]);
        c.put("standard_error", 1.75);
      }
      c.put("best_val_loss", 0.3 + i / 10.0);
      c.put("best_epoch", 4);
      c.put("epochs", EPOCHS);
      c.put("test", Map.of("mae", 41.0 + i, "mase_seasonal_naive", 0.97 + i / 100.0));
      candidates.add(c);
      curves.put(names[i], epochs(EPOCHS, 1 + i));
      reports.put(names[i], "candidates/" + names[i] + "/report.html");
    }
    return new TrainingReport.Choice("linear", "auto chose linear: val MAE 57.50, the simplest within one standard "
        + "error of the lowest (mlp 55.00: difference 2.5, standard error 1.75)", candidates, curves, reports);
  }

  static TrainingReport report(boolean auto) {
    List<String[]> facts = List.of(new String[] {"model", "linear"}, new String[] {"data", "out/" + EVIL},
        new String[] {"training", EPOCHS + " epochs, best epoch 4"});
    return new TrainingReport("demo " + EVIL, facts, "MSE loss (scaled units)", epochs(EPOCHS, 1), 4, 0.5, test(),
        List.of("sales"), samples(false).samples(), auto ? choice() : null);
  }
}
