package dev.shardcast.transforms.store;

import dev.shardcast.transforms.config.JobConfig;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * The job's {@code s3:} section as pipeline options, so every worker (also on a Flink cluster)
 * builds its S3 clients from the same settings through {@link ShardcastS3ClientBuilderFactory}.
 */
public interface ShardcastS3Options extends S3Options {
  @Description("S3 region (job file s3.region); empty: the AWS default region chain")
  @Default.String("")
  String getShardcastS3Region();

  void setShardcastS3Region(String value);

  @Description("S3-compatible endpoint URL (job file s3.endpoint); empty: AWS_ENDPOINT_URL(_S3), else AWS")
  @Default.String("")
  String getShardcastS3Endpoint();

  void setShardcastS3Endpoint(String value);

  @Description("Path-style S3 requests (job file s3.path_style)")
  @Default.Boolean(false)
  boolean getShardcastS3PathStyle();

  void setShardcastS3PathStyle(boolean value);

  // The job's s3.retry keys; unset (null): the default of each (JobConfig.Retry.DEFAULT).
  @Description("Tries per S3 request (job file s3.retry.max_attempts)")
  Integer getShardcastS3MaxAttempts();

  void setShardcastS3MaxAttempts(Integer value);

  @Description("First S3 retry backoff in ms (job file s3.retry.base_delay_ms)")
  Integer getShardcastS3BaseDelayMs();

  void setShardcastS3BaseDelayMs(Integer value);

  @Description("Cap of one S3 retry backoff in ms (job file s3.retry.max_delay_ms)")
  Integer getShardcastS3MaxDelayMs();

  void setShardcastS3MaxDelayMs(Integer value);

  /** The settings these options carry. */
  static JobConfig.S3 settings(ShardcastS3Options o) {
    JobConfig.Retry retry = o.getShardcastS3MaxAttempts() == null && o.getShardcastS3BaseDelayMs() == null
        && o.getShardcastS3MaxDelayMs() == null ? null
        : new JobConfig.Retry(o.getShardcastS3MaxAttempts(), o.getShardcastS3BaseDelayMs(), o.getShardcastS3MaxDelayMs());
    return new JobConfig.S3(o.getShardcastS3Region().isEmpty() ? null : o.getShardcastS3Region(),
        o.getShardcastS3Endpoint().isEmpty() ? null : o.getShardcastS3Endpoint(), o.getShardcastS3PathStyle(), retry);
  }

  /**
   * Command-line arguments for {@code settings}, with the factory that reads them. The region and
   * endpoint the submitting machine resolves (job file, else its AWS_REGION / AWS_ENDPOINT_URL*)
   * travel with the job, so workers on a cluster reach the same buckets whatever their environment
   * says; credentials do not travel: each worker takes its own from its default chain.
   */
  static java.util.List<String> args(JobConfig.S3 settings) {
    java.util.List<String> out = new java.util.ArrayList<>();
    out.add("--s3ClientFactoryClass=" + ShardcastS3ClientBuilderFactory.class.getName());
    software.amazon.awssdk.regions.Region region = S3Clients.region(settings);
    if (region != null) {
      out.add("--shardcastS3Region=" + region.id());
    }
    String endpoint = S3Clients.endpoint(settings);
    if (endpoint != null) {
      out.add("--shardcastS3Endpoint=" + endpoint);
    }
    out.add("--shardcastS3PathStyle=" + settings.isPathStyle());
    JobConfig.Retry retry = settings.retry();
    if (retry != null) { // so Beam's S3 clients, on every worker, retry as the job says
      if (retry.maxAttempts() != null) {
        out.add("--shardcastS3MaxAttempts=" + retry.maxAttempts());
      }
      if (retry.baseDelayMs() != null) {
        out.add("--shardcastS3BaseDelayMs=" + retry.baseDelayMs());
      }
      if (retry.maxDelayMs() != null) {
        out.add("--shardcastS3MaxDelayMs=" + retry.maxDelayMs());
      }
    }
    return out;
  }
}
