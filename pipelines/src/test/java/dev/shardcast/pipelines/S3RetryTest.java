package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.store.BeamFileSystems;
import dev.shardcast.transforms.store.S3Clients;
import dev.shardcast.transforms.store.S3Location;
import dev.shardcast.transforms.store.S3ObjectStream;
import dev.shardcast.transforms.store.S3Objects;
import dev.shardcast.transforms.store.S3Retries;
import dev.shardcast.transforms.store.S3StorageException;
import dev.shardcast.transforms.store.ShardcastS3ClientBuilderFactory;
import dev.shardcast.transforms.store.ShardcastS3Options;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue #14 point 4, the retry policy itself, request by request, against an S3Proxy of its own that
 * is killed and restarted (SIGKILL, same port and data): a request rides out an outage shorter than
 * its backoff, and one that outlasts it fails with the object named; a body cut off mid-way resumes
 * ({@link S3ObjectStream}, prepare's CSV reads). Beam's S3 client (built by
 * {@link ShardcastS3ClientBuilderFactory}) gets the same policy. End to end through prepare and
 * train: {@link S3WriteFaultsTest}, {@link S3ReadFaultsTest}.
 */
class S3RetryTest {
  private static S3Server s3;
  private static String bucket;
  private static final byte[] BYTES = "the object's bytes\n".repeat(100).getBytes();

  @BeforeAll
  static void server() throws Exception {
    s3 = S3Server.startPrivate();
    bucket = s3.newBucket("retry");
    s3.put(bucket, "data/object.bin", BYTES);
  }

  @AfterAll
  static void stopServer() {
    s3.discard();
  }

  private static JobConfig.S3 settings(Integer attempts, Integer baseMs, Integer maxMs) {
    return new JobConfig.S3("us-east-1", s3.endpoint(), true, new JobConfig.Retry(attempts, baseMs, maxMs));
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aRequestOutlastingItsRetriesFailsNamingTheObject() throws Exception {
    long retriesBefore = S3Retries.retries();
    s3.kill();
    try (S3Client client = S3Clients.create(settings(3, 100, 400))) {
      long t0 = System.nanoTime();
      S3StorageException e = assertThrows(S3StorageException.class,
          () -> S3Objects.get(client, S3Location.parse("s3://" + bucket + "/data/object.bin")));
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertEquals(3, e.attempts(), e.getMessage());
      assertEquals("s3://" + bucket + "/data/object.bin", e.location());
      assertTrue(e.getMessage().startsWith("S3 GetObject of s3://" + bucket + "/data/object.bin failed after 3 attempts in "),
          e.getMessage());
      assertTrue(e.getMessage().contains("Connect to 127.0.0.1:" + s3.port), e.getMessage());
      // Two backoffs of at least half their bound (100 ms, then 200 ms): 150 ms at the least.
      assertTrue(seconds >= 0.15, "failed after " + seconds + " s");
      assertEquals(2, S3Retries.retries() - retriesBefore, "retries counted");
    } finally {
      s3.restart();
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void theDefaultPolicyRidesOutARestartOfTheServer() throws Exception {
    long retriesBefore = S3Retries.retries();
    s3.kill();
    Thread restart = new Thread(() -> {
      try {
        Thread.sleep(1_000);
        s3.restart();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    restart.start();
    try (S3Client client = S3Clients.create(new JobConfig.S3("us-east-1", s3.endpoint(), true))) {
      long t0 = System.nanoTime();
      byte[] got = S3Objects.get(client, S3Location.parse("s3://" + bucket + "/data/object.bin"));
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertArrayEquals(BYTES, got);
      assertTrue(seconds >= 1.0, "the GET returned after " + seconds + " s, before the server was back");
      assertTrue(S3Retries.retries() - retriesBefore >= 1, "retried: " + (S3Retries.retries() - retriesBefore));
    } finally {
      restart.join();
    }
  }

  /**
   * A body cut off by the kill after its first KiB (the rest not yet sent: 48 MiB) is resumed with a
   * ranged GET from the next byte once the server is back, and ends exactly as the object; left
   * down, the resumed GET runs out of its retries and names the object.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aStreamCutOffMidBodyResumesWhereItBroke() throws Exception {
    byte[] big = new byte[48 << 20];
    new java.util.Random(14).nextBytes(big);
    s3.put(bucket, "data/big.bin", big);
    S3Location at = S3Location.parse("s3://" + bucket + "/data/big.bin");
    try (S3Client client = S3Clients.create(settings(null, null, null));
        S3ObjectStream in = new S3ObjectStream(client, at, big.length, 5)) {
      byte[] head = in.readNBytes(1024);
      s3.restart(); // kill, then start again: the open connection is gone
      byte[] rest = in.readAllBytes();
      assertEquals(big.length, head.length + rest.length);
      assertEquals(-1, java.util.Arrays.mismatch(big, 0, 1024, head, 0, 1024));
      assertEquals(-1, java.util.Arrays.mismatch(big, 1024, big.length, rest, 0, rest.length), "the bytes after the break");
      assertTrue(in.resumes() >= 1, "resumed " + in.resumes() + " times");
    }
    try (S3Client client = S3Clients.create(settings(3, 100, 400));
        S3ObjectStream in = new S3ObjectStream(client, at, big.length, 5)) {
      in.readNBytes(1024);
      s3.kill();
      S3StorageException e = assertThrows(S3StorageException.class, in::readAllBytes);
      assertEquals(at.toString(), e.location());
      assertEquals(3, e.attempts());
    } finally {
      if (!s3.isRunning()) {
        s3.restart();
      }
    }
  }

  @Test
  void aMissingObjectIsNotRetriedNorReportedAsAStorageFailure() {
    long retriesBefore = S3Retries.retries();
    try (S3Client client = S3Clients.create(settings(5, 100, 400))) {
      assertThrows(software.amazon.awssdk.services.s3.model.NoSuchKeyException.class,
          () -> S3Objects.get(client, S3Location.parse("s3://" + bucket + "/data/none.bin")));
    }
    assertEquals(0, S3Retries.retries() - retriesBefore);
  }

  /** The job's s3.retry reaches Beam's S3 file system through its client factory, and so does the naming. */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void beamsS3FileSystemRetriesAsTheJobSays() throws Exception {
    JobConfig job = ConfigLoader.load(ItSupport.demoJob(), List.of("s3.endpoint=" + s3.endpoint(),
        "s3.path_style=true", "s3.region=us-east-1", "s3.retry.max_attempts=4", "s3.retry.base_delay_ms=50",
        "s3.retry.max_delay_ms=100", "input.path=" + ItSupport.demoCsv(),
        "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv")));
    assertEquals(new JobConfig.Retry(4, 50, 100), job.s3().retry());
    ShardcastS3Options options = PipelineOptionsFactory.fromArgs(ShardcastS3Options.args(S3Clients.settings(job))
        .toArray(String[]::new)).as(ShardcastS3Options.class);
    try (S3Client beams = new ShardcastS3ClientBuilderFactory().createBuilder(options).build()) {
      RetryStrategy strategy = beams.serviceClientConfiguration().overrideConfiguration().retryStrategy().orElseThrow();
      assertEquals(4, strategy.maxAttempts());
    }
    BeamFileSystems.configure(job);
    String object = "s3://" + bucket + "/data/object.bin";
    try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(object, false)))) {
      assertArrayEquals(BYTES, in.readAllBytes());
    }
    long retriesBefore = S3Retries.retries();
    s3.kill();
    try {
      IOException e = assertThrows(IOException.class,
          () -> FileSystems.open(FileSystems.matchNewResource(object, false)).close());
      S3StorageException cause = find(e);
      assertEquals(4, cause.attempts(), cause.getMessage());
      assertTrue(cause.getMessage().contains(" of " + object + " failed after 4 attempts"), cause.getMessage());
      assertEquals(3, S3Retries.retries() - retriesBefore);
      assertEquals(S3StorageException.EXIT_CODE, ShardcastCli.exitCode(ShardcastCli.rootCause(e)));
    } finally {
      s3.restart();
    }
  }

  private static S3StorageException find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof S3StorageException s) {
        return s;
      }
    }
    throw new AssertionError("no S3StorageException in the chain of " + e, e);
  }
}
