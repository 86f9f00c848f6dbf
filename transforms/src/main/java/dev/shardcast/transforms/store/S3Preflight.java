package dev.shardcast.transforms.store;

import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.JobConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Before any work starts, each bucket a job reads or writes answers a HEAD request: a missing
 * bucket, refused credentials or an unreachable endpoint is one message naming the config key and
 * the bucket (exit 2), and nothing has been written yet. Without it the same problems surface deep
 * inside the pipeline as an SDK stack trace, after the output's old files were already removed.
 */
public final class S3Preflight {
  private S3Preflight() {}

  /** @param locations config key → location; locations not in S3 are skipped */
  public static void check(JobConfig.S3 settings, Map<String, String> locations) {
    Map<String, String> buckets = new LinkedHashMap<>(); // bucket → first key naming it
    for (Map.Entry<String, String> e : locations.entrySet()) {
      if (S3Location.isS3(e.getValue())) {
        buckets.putIfAbsent(parse(e.getKey(), e.getValue()).bucket(), e.getKey());
      }
    }
    if (buckets.isEmpty()) {
      return;
    }
    // Few, short retries here: this check exists to fail fast on a wrong endpoint, bucket or
    // credentials, and the job's own retry policy would hold a typo for 20-40 s before exit 2.
    JobConfig.S3 quick = new JobConfig.S3(settings.region(), settings.endpoint(), settings.pathStyle(),
        new JobConfig.Retry(2, 200, 1_000));
    try (S3Client client = S3Clients.create(quick)) {
      for (Map.Entry<String, String> b : buckets.entrySet()) {
        head(client, b.getKey(), b.getValue(), locations.get(b.getValue()), settings);
      }
    }
  }

  private static S3Location parse(String key, String location) {
    try {
      return S3Location.parse(location);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key '" + key + "': " + e.getMessage());
    }
  }

  private static void head(S3Client client, String bucket, String key, String location, JobConfig.S3 settings) {
    String where = "config key '" + key + "' (" + location + "): ";
    try {
      client.headBucket(b -> b.bucket(bucket));
    } catch (NoSuchBucketException e) {
      throw new ConfigException(where + "bucket '" + bucket + "' does not exist" + at(settings));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw new ConfigException(where + "bucket '" + bucket + "' does not exist" + at(settings));
      }
      if (e.statusCode() == 403 || e.statusCode() == 401) {
        throw new ConfigException(where + "access to bucket '" + bucket + "' was refused (HTTP " + e.statusCode()
            + (e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                ? " " + e.awsErrorDetails().errorCode() : "")
            + "): check the credentials of the AWS default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, "
            + "AWS_PROFILE, or the instance role) and that they may list and read it" + at(settings));
      }
      throw new ConfigException(where + "bucket '" + bucket + "' answered HTTP " + e.statusCode() + ": "
          + e.getMessage() + at(settings));
    } catch (SdkClientException e) {
      throw new ConfigException(where + "cannot reach S3 for bucket '" + bucket + "'" + at(settings) + ": "
          + e.getMessage());
    }
  }

  private static String at(JobConfig.S3 settings) {
    String endpoint = S3Clients.endpoint(settings);
    return endpoint == null ? "" : " at " + endpoint;
  }
}
