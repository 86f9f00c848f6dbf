package dev.shardcast.training.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.shardcast.transforms.config.JobConfig;
import java.util.List;
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
}
