package dev.shardcast.transforms.store;

import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;

/** Makes {@link ShardcastS3Options} known to Beam's option parser in every JVM (client and workers). */
public final class ShardcastOptionsRegistrar implements PipelineOptionsRegistrar {
  @Override
  public Iterable<Class<? extends PipelineOptions>> getPipelineOptions() {
    return List.of(ShardcastS3Options.class);
  }
}
