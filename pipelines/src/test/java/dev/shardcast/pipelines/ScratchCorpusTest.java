package dev.shardcast.pipelines;

import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchCorpusTest {
  @TempDir Path tmp;
  @Test
  void dump() throws Exception {
    Path res = Path.of("src/test/resources/bad-input");
    byte[] garbage = new byte[4096];
    new Random(42).nextBytes(garbage);
    Files.write(tmp.resolve("garbage.bin"), garbage);
    List<Object[]> cases = new ArrayList<>();
    try (var s = Files.list(res)) { for (Path p : s.sorted().toList()) cases.add(new Object[]{p, "csv"}); }
    cases.add(new Object[]{tmp.resolve("garbage.bin"), "csv"});
    cases.add(new Object[]{tmp.resolve("garbage.bin"), "parquet"});
    cases.add(new Object[]{res.resolve("clean.csv"), "parquet"});
    int i = 0;
    for (Object[] c : cases) {
      Path in = (Path) c[0];
      Path out = tmp.resolve("out" + (i++));
      Path job = tmp.resolve("job" + i + ".yaml");
      Files.writeString(job, String.join("\n", "name: corpus", "input:", "  path: " + in.toAbsolutePath(), "  format: " + c[1],
          "  series_key: [id]", "  timestamp: {column: date, format: yyyy-MM-dd}", "  frequency: 1M",
          "  columns: [{name: v, type: double, target: true}]", "windowing: {past: 2, future: 1}",
          "split: {train_end: '2021-07-01', val_end: '2021-10-01'}", "shards: {batch_size: 4, seed: 1, output: " + out + "}",
          "runner: {name: direct, parallelism: 1}", ""));
      CliRun r = CliRun.of(Duration.ofSeconds(120), "prepare", job.toString());
      String counts = Files.exists(out.resolve("manifest.json")) ? ItSupport.manifest(out).path("counts").toString() : "-";
      String errTail = r.err().lines().filter(l -> l.startsWith("error") || l.contains("Exception") || l.contains("\tat ")).limit(6).reduce("", (a, b) -> a + "\n    " + b);
      System.out.println("CASE " + in.getFileName() + " " + c[1] + " -> exit " + r.code() + " counts " + counts + errTail);
    }
  }
}
