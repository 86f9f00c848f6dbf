package dev.shardcast.transforms.store;

import dev.shardcast.transforms.config.JobConfig;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The one way shardcast builds S3 clients, for Beam's S3 file system (prepare) and for its own
 * readers and writers (ranged Parquet reads, the trainer's shard store, model uploads).
 *
 * <ul>
 *   <li>Credentials: the AWS default provider chain only (environment, system properties, profile,
 *       container or instance role); never a key in a job file.
 *   <li>Region: {@code s3.region}, else the default region chain ({@code AWS_REGION}, the profile),
 *       else us-east-1 with cross-region access (S3's redirect leads to the bucket's region);
 *       S3-compatible servers ignore it.
 *   <li>Endpoint: {@code s3.endpoint}, else {@code AWS_ENDPOINT_URL_S3} / {@code AWS_ENDPOINT_URL}
 *       (read by the SDK itself), else AWS.
 *   <li>Against a custom endpoint, checksums only where the S3 API requires them: S3-compatible
 *       servers do not all take the SDK's default trailing CRC checksums (shards carry their own
 *       SHA-256 in the manifest, checked on every read).
 *   <li>Retries: {@code s3.retry} ({@link S3Retries}), the same for every client, Beam's included:
 *       a request that still fails is an {@link S3StorageException} naming the object.
 * </ul>
 */
public final class S3Clients {
  /**
   * Beam's S3 channel sends {@code x-amz-server-side-encryption-bucket-key-enabled: false} on every
   * multipart upload; some S3-compatible servers (S3Proxy) answer 501 to any value. "false" is the
   * default, so dropping it changes nothing on AWS.
   */
  static final String BUCKET_KEY_HEADER = "x-amz-server-side-encryption-bucket-key-enabled";

  private S3Clients() {}

  /** Settings from the job file, or all defaults when it has no s3 section. */
  public static JobConfig.S3 settings(JobConfig job) {
    return job.s3() != null ? job.s3() : new JobConfig.S3(null, null, false);
  }

  public static S3Client create(JobConfig.S3 settings) {
    return configure(S3Client.builder(), settings).build();
  }

  /** Applies the settings to a builder (Beam's client factory starts from its own builder). */
  public static S3ClientBuilder configure(S3ClientBuilder builder, JobConfig.S3 settings) {
    String endpoint = endpoint(settings);
    builder.credentialsProvider(DefaultCredentialsProvider.builder().build())
        .forcePathStyle(settings.isPathStyle())
        .httpClientBuilder(ApacheHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(60))
            .maxConnections(32))
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .addExecutionInterceptor(new DropBucketKeyHeader())
            .addExecutionInterceptor(new S3Retries.Reporting(settings.retryPolicy().maxAttempts()))
            .retryStrategy(S3Retries.strategy(settings.retryPolicy()))
            .apiCallAttemptTimeout(Duration.ofMinutes(5))
            .build());
    Region region = region(settings);
    builder.region(region != null ? region : Region.US_EAST_1);
    if (region == null && endpoint == null) {
      builder.crossRegionAccessEnabled(true);
    }
    if (settings.endpoint() != null && !settings.endpoint().isBlank()) {
      builder.endpointOverride(URI.create(settings.endpoint()));
    }
    if (endpoint != null) {
      builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    return builder;
  }

  /** The custom endpoint in use (job file, then the standard variables), or null for AWS. */
  static String endpoint(JobConfig.S3 settings) {
    if (settings.endpoint() != null && !settings.endpoint().isBlank()) {
      return settings.endpoint();
    }
    for (String v : new String[] {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
      String e = System.getenv(v);
      if (e != null && !e.isBlank()) {
        return e;
      }
    }
    String p = System.getProperty("aws.endpointUrl");
    return p == null || p.isBlank() ? null : p;
  }

  /**
   * The job's region, else the default region chain's, else null: the caller then uses us-east-1
   * with cross-region access, where the SDK follows S3's redirect to the bucket's own region. Not an
   * error here: Beam builds an S3 client for every job, also one that never touches S3.
   */
  static Region region(JobConfig.S3 settings) {
    if (settings.region() != null && !settings.region().isBlank()) {
      return Region.of(settings.region());
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      return null;
    }
  }

  /** Removes the bucket-key header when it only restates the default. */
  static final class DropBucketKeyHeader implements ExecutionInterceptor {
    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
      SdkHttpRequest request = context.httpRequest();
      return request.firstMatchingHeader(BUCKET_KEY_HEADER).filter("false"::equalsIgnoreCase).isPresent()
          ? request.toBuilder().removeHeader(BUCKET_KEY_HEADER).build()
          : request;
    }
  }
}
