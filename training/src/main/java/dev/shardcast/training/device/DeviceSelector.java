package dev.shardcast.training.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import dev.shardcast.transforms.config.JobConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  private DeviceSelector() {}

  /** Selects from the live engine (loads PyTorch if it is not loaded yet). */
  public static Selection select(JobConfig.Device wanted) {
    Engine engine = Engine.getInstance();
    String path = libtorchPath();
    return select(
        wanted, engine.getGpuCount(), engine.getEngineName(), engine.getVersion(), flavour(path), path);
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
