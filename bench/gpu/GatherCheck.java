import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.shardcast.training.data.Batch;
import dev.shardcast.training.data.LocalShardStore;
import dev.shardcast.training.data.ShardReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * On a GPU machine (bench/gpu/check.sh): the compact reader's batches gathered on the GPU against the
 * same batches filled on the host (CPU), epoch 3 after epoch 2, value for value; then the GPU loader's
 * windows/s over a few epochs. Args: SHARDS [EPOCHS].
 */
public class GatherCheck {
  public static void main(String[] args) throws Exception {
    Path shards = Path.of(args[0]);
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    System.out.println("engine " + Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion()
        + ", GPUs " + Engine.getInstance().getGpuCount());
    List<String> host = read(shards, Device.cpu());
    // without a GPU (a dry run of this check): the device gather forced on the CPU
    Device gpuOrCpu = Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    System.setProperty("shardcast.compactGather", "device");
    List<String> gpu = read(shards, gpuOrCpu);
    System.clearProperty("shardcast.compactGather");
    int differ = 0;
    for (int i = 0; i < Math.min(host.size(), gpu.size()); i++) {
      differ += host.get(i).equals(gpu.get(i)) ? 0 : 1;
    }
    System.out.printf("epoch 3: %d windows on the host, %d gathered on " + gpuOrCpu + ", %d differ%n", host.size(), gpu.size(),
        differ + Math.abs(host.size() - gpu.size()));
    for (Device d : new Device[] {Device.cpu(), gpuOrCpu}) {
      try (NDManager m = NDManager.newBaseManager(d); ShardReader r = new ShardReader(new LocalShardStore(shards), 4, m)) {
        long windows = 0;
        double best = 0;
        for (int e = 0; e < epochs; e++) {
          long t0 = System.nanoTime();
          long n = 0;
          Iterator<Batch> it = r.epoch("train", 7, e, 0);
          while (it.hasNext()) {
            try (Batch b = it.next()) {
              n += b.size();
              if (e == 0 && n == b.size()) {
                System.out.println(d + ": batch tensors on " + b.past().getDevice());
              }
            }
          }
          windows += n;
          if (e > 0) {
            best = Math.max(best, n / ((System.nanoTime() - t0) / 1e9));
          }
        }
        System.out.printf("%s loader: %,d windows in %d epochs, best epoch %,.0f windows/s%n", d, windows, epochs, best);
      }
    }
  }

  private static List<String> read(Path shards, Device device) throws Exception {
    List<String> out = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager(device); ShardReader r = new ShardReader(new LocalShardStore(shards), 2, m)) {
      for (int e = 2; e <= 3; e++) {
        Iterator<Batch> it = r.epoch("train", 11, e, 0);
        while (it.hasNext()) {
          try (Batch b = it.next()) {
            if (e < 3) {
              continue;
            }
            float[] p = b.past().toFloatArray();
            float[] f = b.future().toFloatArray();
            float[] o = b.futureObserved().toFloatArray();
            int n = b.size();
            for (int i = 0; i < n; i++) {
              out.add(b.series()[i] + "|" + b.windowStart()[i] + "|" + b.forecastStart()[i] + "|"
                  + Arrays.toString(Arrays.copyOfRange(p, i * p.length / n, (i + 1) * p.length / n))
                  + Arrays.toString(Arrays.copyOfRange(f, i * f.length / n, (i + 1) * f.length / n))
                  + Arrays.toString(Arrays.copyOfRange(o, i * o.length / n, (i + 1) * o.length / n)));
            }
          }
        }
      }
    }
    return out;
  }
}
