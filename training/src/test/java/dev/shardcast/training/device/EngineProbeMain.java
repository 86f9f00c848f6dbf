package dev.shardcast.training.device;

import dev.shardcast.transforms.config.JobConfig;

/** Loads the DJL engine the way a train run does, in a fresh JVM: {@code EngineProbeMain auto|cpu|gpu}. */
public final class EngineProbeMain {
  private EngineProbeMain() {}

  public static void main(String[] args) {
    JobConfig.Device wanted = JobConfig.Device.valueOf(args[0].toUpperCase());
    DeviceSelector.beforeEngineLoads(wanted);
    try (var m = ai.djl.ndarray.NDManager.newBaseManager()) { // the engine loads here, as in TrainJob
      System.out.println("selected " + DeviceSelector.select(wanted).describe());
    } catch (DeviceSelector.NoGpuException e) {
      System.out.println("no gpu: " + e.getMessage());
    }
  }
}
