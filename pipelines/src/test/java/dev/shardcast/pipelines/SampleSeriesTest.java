package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shardcast.transforms.shard.ShardManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke mode: the first N cities in key order, the other rows counted as not sampled. */
class SampleSeriesTest {

  @Test
  void keepsTheFirstSeriesInKeyOrder(@TempDir Path out) throws IOException, SQLException {
    ShardManifest m = ItSupport.run(ItSupport.demoConfig(out, "input.sample_series=3"));

    List<String> lines = Files.readAllLines(ItSupport.demoCsv());
    TreeSet<String> cities = lines.stream().skip(1).map(l -> l.split(",")[0]).collect(Collectors.toCollection(TreeSet::new));
    List<String> firstThree = cities.stream().limit(3).toList();
    long keptRows = lines.stream().skip(1).filter(l -> firstThree.contains(l.split(",")[0])).count();

    Map<String, Long> c = m.counts();
    assertEquals(3L, c.get("series"));
    assertEquals(lines.size() - 1L, c.get("rows_read"));
    assertEquals(lines.size() - 1L - keptRows, c.get("rows_not_sampled"));
    assertEquals(keptRows, c.get("rows_windowed") + c.get("rows_unused") + c.get("rows_quarantined"));
    TreeSet<String> seen = new TreeSet<>();
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      for (String split : ItSupport.SPLITS) {
        for (String key : ItSupport.windowKeys(duck, out, split)) {
          seen.add(key.substring(0, key.indexOf('|')));
        }
      }
    }
    assertEquals(new TreeSet<>(firstThree), seen);
  }
}
