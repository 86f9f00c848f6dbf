package dev.shardcast.transforms.store;

import org.apache.beam.sdk.io.aws2.options.S3ClientBuilderFactory;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Beam's S3 file system builds its clients here ({@code --s3ClientFactoryClass}), so prepare's
 * reads and writes through {@code FileSystems} use the same settings as shardcast's own S3 code
 * ({@link S3Clients}): default credential chain, region, endpoint, path style.
 */
public final class ShardcastS3ClientBuilderFactory implements S3ClientBuilderFactory {
  @Override
  public S3ClientBuilder createBuilder(S3Options options) {
    return S3Clients.configure(S3Client.builder(), ShardcastS3Options.settings(options.as(ShardcastS3Options.class)));
  }
}
