package dev.shardcast.training.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.shardcast.transforms.config.JobConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeviceSelectorTest {
  @Test
  void gpuWithoutGpuFailsWithAClearMessage() {
    DeviceSelector.NoGpuException e =
        assertThrows(
            DeviceSelector.NoGpuException.class,
            () -> DeviceSelector.select(JobConfig.Device.GPU, 0, "PyTorch", "2.5.1", "cpu", "/x/libtorch.so"));
    assertTrue(e.getMessage().startsWith("train.device is gpu but DJL finds no GPU (PyTorch native flavour: cpu"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Build with -Pcuda on a CUDA 12.4 machine, or set train.device: auto/cpu"));
  }

  @Test
  void autoAndCpuDecide() {
    assertEquals(List.of(Device.cpu()),
        DeviceSelector.select(JobConfig.Device.AUTO, 0, "PyTorch", "2.5.1", "cpu", null).devices());
    assertEquals(List.of(Device.gpu(0), Device.gpu(1)),
        DeviceSelector.select(JobConfig.Device.AUTO, 2, "PyTorch", "2.5.1", "cu124", null).devices());
    assertEquals(List.of(Device.cpu()),
        DeviceSelector.select(JobConfig.Device.CPU, 2, "PyTorch", "2.5.1", "cu124", null).devices());
    assertEquals(Device.gpu(0),
        DeviceSelector.select(JobConfig.Device.GPU, 1, "PyTorch", "2.5.1", "cu124", null).primary());
  }

  @Test
  void liveEngineReportsFlavourAndNeverFallsBack() {
    DeviceSelector.Selection auto = DeviceSelector.select(JobConfig.Device.AUTO);
    assertEquals("PyTorch", auto.engine());
    assertEquals("2.5.1", auto.engineVersion());
    assertFalse(auto.flavour().equals("unknown"), auto.describe());
    System.out.println("device selection: " + auto.describe() + ", libtorch " + auto.libtorchPath());
    if (Engine.getInstance().getGpuCount() == 0) {
      assertEquals("cpu", auto.flavour().substring(0, 3));
      assertEquals(Device.cpu(), auto.primary());
      DeviceSelector.NoGpuException e =
          assertThrows(DeviceSelector.NoGpuException.class, () -> DeviceSelector.select(JobConfig.Device.GPU));
      assertTrue(e.getMessage().contains("train.device is gpu but DJL finds no GPU"));
    } else {
      assertTrue(auto.primary().isGpu());
    }
  }

  @Test
  void flavourFromTheExtractedLibraryFolder() {
    assertEquals("cpu", DeviceSelector.flavour("/root/.djl.ai/pytorch/2.5.1-20241113-cpu-linux-x86_64"));
    assertEquals("cu124", DeviceSelector.flavour("/root/.djl.ai/pytorch/2.5.1-20241113-cu124-linux-x86_64/libtorch.so"));
    assertEquals("cu124-precxx11", DeviceSelector.flavour("/d/2.5.1-cu124-precxx11-linux-x86_64"));
  }

  @Test
  void theDriverIsFoundFromItsFiles() {
    assertTrue(DeviceSelector.nvidiaDriverPresent("Linux", "/proc/driver/nvidia/version"::equals, null));
    assertTrue(DeviceSelector.nvidiaDriverPresent("Linux", "/dev/dxg"::equals, null), "WSL 2");
    assertFalse(DeviceSelector.nvidiaDriverPresent("Linux", p -> p.startsWith("/usr/local/cuda"), null),
        "a CUDA toolkit is no driver");
    assertFalse(DeviceSelector.nvidiaDriverPresent("Mac OS X", p -> true, null));
    assertTrue(DeviceSelector.nvidiaDriverPresent("Windows 11", "D:\\Win\\System32\\nvcuda.dll"::equals, "D:\\Win"));
    assertFalse(DeviceSelector.nvidiaDriverPresent("Windows 11", p -> false, "C:\\Windows"));
  }

  @Test
  void autoSaysWhyItTrainsOnTheCpu() {
    assertEquals("no GPU found, training on CPU", DeviceSelector.cpuNotice(false, "cpu"));
    assertEquals("an NVIDIA driver is present but DJL finds no GPU (PyTorch native flavour cpu): training on CPU; "
        + "build with -Pcuda to train on the GPU, or set train.device: cpu", DeviceSelector.cpuNotice(true, "cpu"));
    assertTrue(DeviceSelector.cpuNotice(true, "cu124").contains("check the driver with nvidia-smi"));
  }

  /** Runs {@link EngineProbeMain} in a fresh JVM (DJL's logger levels are fixed once per JVM): its stdout + stderr. */
  private static String probe(String device) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), EngineProbeMain.class.getName(), device)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void autoWithoutADriverSaysOneInfoLineAndGpuKeepsDjlsWarning() throws Exception {
    assumeFalse(DeviceSelector.nvidiaDriverPresent(), "this machine has an NVIDIA driver");
    String gpu = probe("gpu");
    assertTrue(gpu.contains("no gpu: train.device is gpu but DJL finds no GPU"), gpu);
    // DJL warns only where a CUDA runtime is installed without a driver (as on the machine this was written on).
    assumeTrue(gpu.contains("WARN ai.djl.util.cuda.CudaUtils - Failed to detect GPU count"), "no CUDA runtime here: " + gpu);

    String auto = probe("auto");
    assertFalse(auto.contains("CudaUtils"), auto);
    assertEquals(1, auto.split("INFO dev.shardcast.training.device.DeviceSelector - no GPU found, training on CPU", -1).length - 1,
        auto);
    assertTrue(auto.contains("selected [cpu()]"), auto);
    assertFalse(probe("cpu").contains("CudaUtils"));
  }
}
