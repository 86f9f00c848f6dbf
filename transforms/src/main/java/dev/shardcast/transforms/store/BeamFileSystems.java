package dev.shardcast.transforms.store;

import dev.shardcast.transforms.config.JobConfig;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Beam's {@link FileSystems} for code outside a pipeline (predict's input, a rules file, reference
 * tables read at load): registered with the job's s3 settings, so s3:// there reaches the same
 * buckets, endpoint and path style as prepare's pipeline does.
 */
public final class BeamFileSystems {
  private BeamFileSystems() {}

  public static void configure(JobConfig job) {
    configure(S3Clients.settings(job));
  }

  public static void configure(JobConfig.S3 settings) {
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory
        .fromArgs(ShardcastS3Options.args(settings).toArray(String[]::new)).create());
  }
}
