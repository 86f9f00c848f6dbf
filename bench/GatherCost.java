import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * The per-batch cost of building one compact-layout batch (512 windows of 80 values) on the CPU:
 * the device-side gather the reader does (window starts + offsets, then take) against the host
 * gather it replaced (a Java copy per value, then one tensor). Measures and prints; BENCHMARKS.md
 * quotes it. Run after any bench/run (which writes the classpath file):
 *   java -Dai.djl.offline=true -cp "$(cat pipelines/target/bench-classpath.txt)" bench/GatherCost.java
 */
public class GatherCost {
  public static void main(String[] args) {
    int points = 60_000;
    int n = 512;
    int k = 80;
    try (NDManager m = NDManager.newBaseManager()) {
      float[] values = new float[3 * points];
      for (int i = 0; i < values.length; i++) {
        values[i] = i;
      }
      NDArray group = m.create(values);
      long[] offsets = new long[k];
      for (int i = 0; i < k; i++) {
        offsets[i] = (long) (i / 32) * points + i % 32;
      }
      NDArray offsetArray = m.create(offsets, new Shape(1, k));
      long[] starts = new long[n];
      Random r = new Random(1);
      for (int i = 0; i < n; i++) {
        starts[i] = r.nextInt(points - 100);
      }
      int reps = 2000;
      for (int round = 0; round < 6; round++) { // the first rounds warm up
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
          try (NDManager t = m.newSubManager()) {
            t.create(starts, new Shape(n, 1)).add(offsetArray);
          }
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
          try (NDManager t = m.newSubManager()) {
            group.take(t, t.create(starts, new Shape(n, 1)).add(offsetArray));
          }
        }
        long t2 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
          try (NDManager t = m.newSubManager()) {
            float[] out = new float[n * k];
            for (int b = 0; b < n; b++) {
              for (int j = 0; j < k; j++) {
                out[b * k + j] = values[(int) (starts[b] + offsets[j])];
              }
            }
            t.create(out, new Shape(n, k));
          }
        }
        long t3 = System.nanoTime();
        System.out.printf("round %d: starts + offsets %.1f us, device gather (index + take) %.1f us, host gather + tensor %.1f us%n",
            round, (t1 - t0) / 1e3 / reps, (t2 - t1) / 1e3 / reps, (t3 - t2) / 1e3 / reps);
      }
    }
  }
}
