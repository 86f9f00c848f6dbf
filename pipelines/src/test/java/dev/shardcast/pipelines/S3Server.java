package dev.shardcast.pipelines;

import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.store.S3Clients;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible server for the tests: S3Proxy (filesystem backend) as its own JVM process
 * on 127.0.0.1 and a free port, started once per test JVM and stopped by its PID (at JVM exit, or
 * by {@link #stop}). The S3 code under test talks to it over HTTP with the AWS SDK, signing with
 * the credentials this class puts into the default provider chain (the {@code aws.accessKeyId} /
 * {@code aws.secretAccessKey} system properties): no mock anywhere.
 *
 * <p>The storage-fault tests take a private one ({@link #startPrivate}) that they {@link #kill} and
 * {@link #restart} on the same port and data folder, so the shared one never goes away under
 * another test.
 */
final class S3Server {
  static final String ACCESS_KEY = "shardcast-test";
  static final String SECRET_KEY = "shardcast-test-secret";
  private static S3Server instance;

  final int port;
  final Path dataDir;
  private final Path dir;
  private volatile Process process;

  private S3Server(int port, Path dir, Path dataDir) {
    this.port = port;
    this.dir = dir;
    this.dataDir = dataDir;
  }

  /** The server of this test JVM, started on first use. */
  static synchronized S3Server get() throws IOException, InterruptedException {
    if (instance == null || !instance.isRunning()) {
      instance = startPrivate();
    }
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    return instance;
  }

  /** A server of its own (stopped at JVM exit at the latest), with the credentials set as {@link #get} does. */
  static S3Server startPrivate() throws IOException, InterruptedException {
    Path jar = jar();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path dir = Files.createTempDirectory("shardcast-s3proxy-");
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("s3proxy.properties"), String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + data,
        ""));
    S3Server server = new S3Server(port, dir, data);
    server.launch(jar);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    return server;
  }

  private static Path jar() {
    Path jar = Path.of("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: Maven copies it in process-test-resources");
    }
    return jar;
  }

  /** Starts the process on this server's port and data folder; returns when the port answers. */
  private void launch(Path jar) throws IOException, InterruptedException {
    Path log = dir.resolve("s3proxy.log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-jar", jar.toString(), "--properties", dir.resolve("s3proxy.properties").toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    process = p;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("S3Proxy exited with " + p.exitValue() + ": " + Files.readString(log));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("S3Proxy did not open port " + port + " within 90 s");
  }

  boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** SIGKILL, as a crash or a pulled cable would stop it: requests in flight are cut off. */
  void kill() throws InterruptedException {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("S3Proxy (pid " + p.pid() + ") did not die within 30 s");
      }
    }
  }

  /** Starts it again on the same port and data folder (every object kept); a running one is killed first. */
  void restart() throws IOException, InterruptedException {
    kill();
    launch(jar());
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The job-file settings that reach this server. */
  JobConfig.S3 settings() {
    return new JobConfig.S3("us-east-1", endpoint(), true);
  }

  /** {@code --set} overrides pointing a job at this server. */
  List<String> overrides() {
    return List.of("s3.endpoint=" + endpoint(), "s3.path_style=true", "s3.region=us-east-1");
  }

  S3Client client() {
    return S3Clients.create(settings());
  }

  /** A new, empty bucket with a unique name. */
  String newBucket(String prefix) {
    String name = (prefix + "-" + Long.toHexString(System.nanoTime())).toLowerCase();
    try (S3Client c = client()) {
      c.createBucket(b -> b.bucket(name));
    }
    return name;
  }

  /** Every key in a bucket below a prefix, sorted. */
  List<String> keys(String bucket, String prefix) {
    List<String> out = new ArrayList<>();
    try (S3Client c = client()) {
      for (S3Object o : c.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
          .contents()) {
        out.add(o.key());
      }
    }
    out.sort(String::compareTo);
    return out;
  }

  byte[] get(String bucket, String key) {
    try (S3Client c = client()) {
      return c.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }
  }

  void put(String bucket, String key, byte[] bytes) {
    try (S3Client c = client()) {
      c.putObject(b -> b.bucket(bucket).key(key), software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));
    }
  }

  /** Stops a private server and deletes its folder (objects, properties, log). */
  void discard() {
    stop();
    ItSupport.deleteTree(dir);
  }

  void stop() {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroy();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
