package dev.shardcast.transforms.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.JobConfig;
import java.net.URI;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/** How S3 locations parse and how the job's s3 settings travel to Beam's S3 file system. */
class S3SettingsTest {

  @Test
  void locationsParseAndResolve() {
    S3Location l = S3Location.parse("s3://bucket/runs/demo");
    assertEquals("bucket", l.bucket());
    assertEquals("runs/demo", l.key());
    assertEquals("s3://bucket/runs/demo/train/batch-000000.parquet", l.resolve("train/batch-000000.parquet").toString());
    assertEquals("runs/demo/", l.prefix());
    assertEquals("", S3Location.parse("s3://bucket").prefix());
    assertEquals("s3://bucket/x", S3Location.parse("s3://bucket/").resolve("x").toString());
    assertThrows(IllegalArgumentException.class, () -> S3Location.parse("s3:///key"));
    assertThrows(IllegalArgumentException.class, () -> S3Location.parse("/local/path"));
    assertFalse(S3Location.isS3("file:///tmp/x"));
  }

  @Test
  void theJobsSettingsReachBeamsFactoryAsOptions() {
    JobConfig.S3 settings = new JobConfig.S3("eu-central-1", "http://127.0.0.1:9000", true);
    List<String> args = ShardcastS3Options.args(settings);
    assertTrue(args.contains("--s3ClientFactoryClass=" + ShardcastS3ClientBuilderFactory.class.getName()), args.toString());
    ShardcastS3Options options = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(ShardcastS3Options.class);
    assertEquals(settings, ShardcastS3Options.settings(options));
    var client = new ShardcastS3ClientBuilderFactory().createBuilder(options).build();
    try (client) {
      assertEquals("eu-central-1", client.serviceClientConfiguration().region().id());
      assertEquals(URI.create("http://127.0.0.1:9000"), client.serviceClientConfiguration().endpointOverride().orElseThrow());
    }
  }

  @Test
  void theBucketKeyHeaderGoesOnlyWhenItSaysFalse() {
    S3Clients.DropBucketKeyHeader drop = new S3Clients.DropBucketKeyHeader();
    for (String value : List.of("false", "true")) {
      SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create("http://h/b/k?uploads"))
          .putHeader(S3Clients.BUCKET_KEY_HEADER, value).build();
      SdkHttpRequest out = drop.modifyHttpRequest(new Context.ModifyHttpRequest() {
        @Override
        public SdkHttpRequest httpRequest() {
          return request;
        }

        @Override
        public java.util.Optional<software.amazon.awssdk.core.sync.RequestBody> requestBody() {
          return java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<software.amazon.awssdk.core.async.AsyncRequestBody> asyncRequestBody() {
          return java.util.Optional.empty();
        }

        @Override
        public software.amazon.awssdk.core.SdkRequest request() {
          return null;
        }
      }, new ExecutionAttributes());
      assertEquals(value.equals("true"), out.firstMatchingHeader(S3Clients.BUCKET_KEY_HEADER).isPresent(), value);
    }
  }
}
