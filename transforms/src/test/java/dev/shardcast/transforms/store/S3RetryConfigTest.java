package dev.shardcast.transforms.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.testing.TestJobs;
import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The s3.retry section: how it binds and is checked, and what counts as a storage failure. */
class S3RetryConfigTest {

  @Test
  void anUnsetRetrySectionIsTheDefaultAndLeavesTheConfigAndItsHashAlone() {
    JobConfig plain = TestJobs.config();
    assertNull(plain.s3().retry());
    assertEquals(JobConfig.Retry.DEFAULT, plain.s3().retryPolicy());
    assertFalse(ConfigLoader.toTree(plain).path("s3").has("retry"), ConfigLoader.toTree(plain).toString());
    assertFalse(ConfigLoader.toYaml(plain).contains("retry"));
    // Set, it is part of the job: printed, stored and hashed.
    JobConfig set = TestJobs.config("s3.retry.max_attempts=4");
    assertEquals(new JobConfig.Retry(4, null, null), set.s3().retry());
    assertEquals(new JobConfig.Retry(4, 200, 10_000), set.s3().retryPolicy());
    assertEquals(4, ConfigLoader.toTree(set).path("s3").path("retry").path("max_attempts").asInt());
    assertFalse(ConfigLoader.hash(plain).equals(ConfigLoader.hash(set)));
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    assertMessage("config key 's3.retry.max_attempts' must be in [1, 100], got 0", "s3.retry.max_attempts=0");
    assertMessage("config key 's3.retry.base_delay_ms' must be in [1, 60000], got -5", "s3.retry.base_delay_ms=-5");
    assertMessage("config key 's3.retry.max_delay_ms' (100) must be >= s3.retry.base_delay_ms (200)",
        "s3.retry.max_delay_ms=100");
    assertTrue(assertThrows(ConfigException.class, () -> TestJobs.config("s3.retry.tries=3")).getMessage()
        .startsWith("unknown config key 's3.retry.tries'; allowed here: base_delay_ms, max_attempts, max_delay_ms"));
    assertTrue(assertThrows(ConfigException.class, () -> TestJobs.config("s3.retry.max_attempts=many")).getMessage()
        .contains("s3.retry.max_attempts"));
  }

  private static void assertMessage(String expected, String override) {
    assertEquals(expected, assertThrows(ConfigException.class, () -> TestJobs.config(override)).getMessage());
  }

  /** Every client shardcast builds, and Beam's through the factory, gets the job's policy. */
  @Test
  void theJobsPolicyReachesEveryClient() {
    JobConfig.S3 settings = new JobConfig.S3("us-east-1", "http://127.0.0.1:9", true, new JobConfig.Retry(7, 50, 500));
    try (S3Client own = S3Clients.create(settings)) {
      assertEquals(7, strategy(own).maxAttempts());
    }
    ShardcastS3Options options = PipelineOptionsFactory.fromArgs(ShardcastS3Options.args(settings)
        .toArray(String[]::new)).as(ShardcastS3Options.class);
    assertEquals(settings, ShardcastS3Options.settings(options));
    try (S3Client beams = new ShardcastS3ClientBuilderFactory().createBuilder(options).build()) {
      assertEquals(7, strategy(beams).maxAttempts());
    }
    try (S3Client defaults = S3Clients.create(new JobConfig.S3(null, "http://127.0.0.1:9", true))) {
      assertEquals(JobConfig.Retry.DEFAULT.maxAttempts(), strategy(defaults).maxAttempts());
    }
  }

  private static RetryStrategy strategy(S3Client client) {
    return client.serviceClientConfiguration().overrideConfiguration().retryStrategy().orElseThrow();
  }

  @Test
  void storageFailuresAreNetworkErrorsServerErrorsAndThrottlingOnly() {
    assertTrue(S3Retries.isStorageFailure(SdkClientException.create("Unable to execute HTTP request",
        new ConnectException("Connection refused"))));
    assertTrue(S3Retries.isStorageFailure(SdkClientException.create("Could not parse XML response.",
        new IllegalStateException("parse", new IOException("Premature end of Content-Length delimited message body")))));
    assertTrue(S3Retries.isStorageFailure(S3Exception.builder().statusCode(503).message("SlowDown").build()));
    assertTrue(S3Retries.isStorageFailure(S3Exception.builder().statusCode(500).message("InternalError").build()));
    assertFalse(S3Retries.isStorageFailure(S3Exception.builder().statusCode(404).message("NoSuchKey").build()));
    assertFalse(S3Retries.isStorageFailure(S3Exception.builder().statusCode(403).message("AccessDenied").build()));
    assertFalse(S3Retries.isStorageFailure(SdkClientException.create("Unable to load credentials from any of the providers")));
    assertFalse(S3Retries.isStorageFailure(AbortedException.create("Thread was interrupted",
        new java.io.InterruptedIOException())), "a cancelled job is no outage");
    assertFalse(S3Retries.isStorageFailure(new IllegalStateException(new IOException("not from the SDK"))));
  }

  @Test
  void theFailedRequestIsNamedByItsObject() {
    assertEquals("s3://b/runs/demo/train/batch-000001.parquet", S3Retries.location(
        software.amazon.awssdk.services.s3.model.UploadPartRequest.builder().bucket("b")
            .key("runs/demo/train/batch-000001.parquet").uploadId("u").partNumber(1).build()));
    assertEquals("s3://b/runs/demo/", S3Retries.location(
        software.amazon.awssdk.services.s3.model.ListObjectsV2Request.builder().bucket("b").prefix("runs/demo/").build()));
    assertEquals("s3://b/", S3Retries.location(
        software.amazon.awssdk.services.s3.model.HeadBucketRequest.builder().bucket("b").build()));
    assertEquals("s3://b/out/manifest.json", S3Retries.location(
        software.amazon.awssdk.services.s3.model.CopyObjectRequest.builder().sourceBucket("b")
            .sourceKey("out/manifest.json.tmp").destinationBucket("b").destinationKey("out/manifest.json").build()));
    assertEquals("s3://b/out/a.parquet and 2 more", S3Retries.location(
        software.amazon.awssdk.services.s3.model.DeleteObjectsRequest.builder().bucket("b").delete(d -> d.objects(
            List.of(id("out/a.parquet"), id("out/b.parquet"), id("out/c.parquet")))).build()));
  }

  private static software.amazon.awssdk.services.s3.model.ObjectIdentifier id(String key) {
    return software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder().key(key).build();
  }
}
