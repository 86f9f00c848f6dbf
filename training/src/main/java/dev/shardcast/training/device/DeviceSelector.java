package dev.shardcast.training.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import dev.shardcast.transforms.config.JobConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code train.device} into DJL devices, and says which PyTorch native build is loaded.
 *
 * <p>{@code gpu} never falls back to the CPU: a run that was asked for a GPU and silently trained
 * on the CPU would be far slower than planned and its timings would mean nothing. The usual cause
 * is the CPU native flavour on the class path (the default build), so the message says so.
 */
public final class DeviceSelector {

  /**
   * The outcome: the devices to use (the trainer uses the first; data-parallel training is not
   * implemented), the DJL engine name and version, and the native flavour ("cpu", "cu124", ...).
   */
  public record Selection(
      List<Device> devices,
      String engine,
      String engineVersion,
      String flavour,
      String libtorchPath) {

    public Device primary() {
      return devices.get(0);
    }

    /** One line for logs: {@code cpu() via PyTorch 2.5.1 (native flavour cpu)}. */
    public String describe() {
      return devices + " via " + engine + " " + engineVersion + " (native flavour " + flavour + ")";
    }
  }

  private static final Pattern FLAVOUR_IN_PATH =
      Pattern.compile("\\d+\\.\\d+\\.\\d+(?:-\\d{8})?-((?:cpu|cu\\d+)[^/]*?)-(?:linux|osx|win)");

  private static final Logger LOG = LoggerFactory.getLogger(DeviceSelector.class);

  /** slf4j-simple's level key for the logger of DJL's CUDA probe. */
  static final String CUDA_PROBE_LOG_LEVEL = "org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils";

  private DeviceSelector() {}

  /**
   * Call before anything loads the DJL engine (an NDManager, Engine.getInstance).
   *
   * <p>While the engine loads, DJL picks the native build for the machine (Platform.fromSystem, run
   * twice) by asking the CUDA runtime for the GPU count, and where libcudart is installed without a
   * usable NVIDIA driver (a CUDA toolkit on a CPU-only machine, a container image built for GPUs) it
   * logs "WARN CudaUtils - Failed to detect GPU count: CUDA driver version is insufficient" each
   * time. For {@code auto} or {@code cpu} on a machine with no NVIDIA driver that is the expected
   * answer, not a problem, so that one logger (ai.djl.util.cuda.CudaUtils) is set to error before
   * the class exists (slf4j-simple fixes a logger's level when it is created; a level the user set
   * is kept). Why not skip the probe instead: DJL runs it unconditionally while loading, before any
   * code of ours could choose. Why the driver file and not the probe's answer: it needs no CUDA
   * call. A driver check that misses a driver (an unusual install) only hides DJL's warning; the
   * device is still chosen from DJL's GPU count. For {@code gpu} the warning stays: there it
   * explains the failure.
   */
  public static void beforeEngineLoads(JobConfig.Device wanted) {
    JobConfig.Device mode = wanted == null ? JobConfig.Device.AUTO : wanted;
    if (mode != JobConfig.Device.GPU && !nvidiaDriverPresent() && System.getProperty(CUDA_PROBE_LOG_LEVEL) == null) {
      System.setProperty(CUDA_PROBE_LOG_LEVEL, "error");
    }
  }

  /** Whether this machine has an NVIDIA driver, from its files (no CUDA call). */
  public static boolean nvidiaDriverPresent() {
    return nvidiaDriverPresent(System.getProperty("os.name", ""), p -> Files.exists(Path.of(p)),
        System.getenv().getOrDefault("SystemRoot", "C:\\Windows"));
  }

  static boolean nvidiaDriverPresent(String os, Predicate<String> exists, String windowsRoot) {
    if (os.startsWith("Linux")) {
      // The kernel module's proc entry; WSL 2 has no such module but a GPU bridge and its own libcuda.
      return exists.test("/proc/driver/nvidia/version") || exists.test("/dev/dxg")
          || exists.test("/usr/lib/wsl/lib/libcuda.so.1");
    }
    if (os.startsWith("Mac")) {
      return false; // no CUDA on macOS
    }
    if (os.startsWith("Windows")) {
      return exists.test(windowsRoot + "\\System32\\nvcuda.dll");
    }
    return true; // unknown system: assume there may be one and keep DJL's own messages
  }

  /** Selects from the live engine (loads PyTorch if it is not loaded yet). */
  public static Selection select(JobConfig.Device wanted) {
    beforeEngineLoads(wanted); // in case no caller did (no effect once the engine is loaded)
    Engine engine = Engine.getInstance();
    String path = libtorchPath();
    Selection s = select(
        wanted, engine.getGpuCount(), engine.getEngineName(), engine.getVersion(), flavour(path), path);
    if ((wanted == null || wanted == JobConfig.Device.AUTO) && !s.primary().isGpu()) {
      boolean driver = nvidiaDriverPresent();
      String notice = cpuNotice(driver, s.flavour());
      if (driver) {
        LOG.warn(notice);
      } else {
        LOG.info(notice);
      }
    }
    return s;
  }

  /**
   * What {@code auto} says when it trains on the CPU: nothing is wrong without a driver; with one,
   * the usual cause is the CPU native build (the default), which cannot use the GPU.
   */
  static String cpuNotice(boolean driverPresent, String flavour) {
    if (!driverPresent) {
      return "no GPU found, training on CPU";
    }
    return "an NVIDIA driver is present but DJL finds no GPU (PyTorch native flavour " + flavour + "): training on CPU; "
        + (flavour.startsWith("cpu") ? "build with -Pcuda to train on the GPU" : "check the driver with nvidia-smi")
        + ", or set train.device: cpu";
  }

  /**
   * The decision itself, apart from the engine, so the no-GPU error can be tested on any machine.
   */
  public static Selection select(
      JobConfig.Device wanted,
      int gpuCount,
      String engineName,
      String engineVersion,
      String flavour,
      String libtorchPath) {
    JobConfig.Device mode = wanted == null ? JobConfig.Device.AUTO : wanted;
    List<Device> devices = new ArrayList<>();
    switch (mode) {
      case CPU -> devices.add(Device.cpu());
      case AUTO -> {
        if (gpuCount > 0) {
          devices.addAll(gpus(gpuCount));
        } else {
          devices.add(Device.cpu());
        }
      }
      case GPU -> {
        if (gpuCount <= 0) {
          throw new NoGpuException(
              "train.device is gpu but DJL finds no GPU (PyTorch native flavour: "
                  + flavour
                  + ", engine "
                  + engineName
                  + " "
                  + engineVersion
                  + (libtorchPath == null ? "" : ", libtorch at " + libtorchPath)
                  + "). Build with -Pcuda on a CUDA 12.4 machine, or set train.device: auto/cpu");
        }
        devices.addAll(gpus(gpuCount));
      }
    }
    return new Selection(List.copyOf(devices), engineName, engineVersion, flavour, libtorchPath);
  }

  private static List<Device> gpus(int count) {
    List<Device> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(Device.gpu(i));
    }
    return out;
  }

  /** Where the loaded libtorch lies; null when the engine is not PyTorch or it cannot tell. */
  static String libtorchPath() {
    try {
      return LibUtils.getLibtorchPath();
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  /**
   * The native flavour. The extracted library folder is named {@code <version>-<flavour>-<os>}
   * (e.g. {@code 2.5.1-20241113-cpu-linux-x86_64}), which reflects what was actually loaded, including an
   * override through PYTORCH_FLAVOR; the native jar's {@code pytorch.properties} is the fallback.
   */
  static String flavour(String libtorchPath) {
    if (libtorchPath != null) {
      Matcher m = FLAVOUR_IN_PATH.matcher(libtorchPath);
      if (m.find()) {
        return m.group(1);
      }
    }
    try (InputStream in =
        DeviceSelector.class.getClassLoader().getResourceAsStream("native/lib/pytorch.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String f = p.getProperty("flavor");
        if (f != null && !f.isBlank()) {
          return f.trim();
        }
      }
    } catch (IOException e) {
      // fall through: unknown
    }
    return "unknown";
  }

  /** train.device is gpu and there is none; never caught and retried on the CPU. */
  public static final class NoGpuException extends IllegalStateException {
    public NoGpuException(String message) {
      super(message);
    }
  }
}
