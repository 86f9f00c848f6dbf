import ai.djl.ndarray.NDManager;
import com.sun.management.OperatingSystemMXBean;
import dev.shardcast.training.data.Batch;
import dev.shardcast.training.data.LocalShardStore;
import dev.shardcast.training.data.ShardReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * CPU per window of one shard reader in its warm epochs: 15 untimed epochs (decode, JIT), then
 * {@code epochs} timed ones over the train split, printing windows, wall and process CPU seconds,
 * cores busy and ns of CPU per window. Steadier than the best-of rate of {@code bench/run --loader}
 * on a machine whose speed moves; BENCHMARKS.md quotes it. Run after any bench/run (which writes the
 * classpath file), with the JVM flags and environment of a training command, e.g.:
 *   GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456 \
 *   java --add-opens=java.base/java.nio=ALL-UNNAMED -Dai.djl.offline=true -Xmx3g -XX:+UseParallelGC \
 *     -cp "pipelines/target/classes:$(cat pipelines/target/bench-classpath.txt)" bench/LoaderCpu.java SHARDS [EPOCHS]
 */
public class LoaderCpu {
  public static void main(String[] args) throws Exception {
    Path shards = Path.of(args[0]);
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (NDManager manager = NDManager.newBaseManager();
        ShardReader reader = new ShardReader(new LocalShardStore(shards), 4, manager)) {
      for (int e = 0; e < 15; e++) {
        epoch(reader, e);
      }
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      long windows = 0;
      for (int e = 15; e < 15 + epochs; e++) {
        windows += epoch(reader, e);
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
      System.out.printf("windows %d wall %.2f s cpu %.2f s cores %.2f ns/window %.0f: %,.0f windows/s%n",
          windows, wall, cpu, cpu / wall, cpu * 1e9 / windows, windows / wall);
    }
  }

  private static long epoch(ShardReader reader, int epoch) {
    long n = 0;
    Iterator<Batch> it = reader.epoch("train", 7, epoch, 0);
    while (it.hasNext()) {
      try (Batch b = it.next()) {
        n += b.size();
      }
    }
    return n;
  }
}
