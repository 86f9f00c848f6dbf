package dev.shardcast.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real standalone Flink 1.19 session cluster for tests: a JobManager and one TaskManager, each a
 * separate JVM on 127.0.0.1, started the way Flink's own scripts start them, but from the Flink jars
 * on this test classpath (no Flink distribution is needed): the same entry points, JVM memory flags
 * computed by Flink's {@code BashJavaUtils}, and a config folder of its own. Free ports; its own
 * {@code io.tmp.dirs} and log folder (each process's output in {@code log/}). Stopped by PID (destroy,
 * then destroyForcibly) on {@link #close()} and, should a test JVM end without it, by a shutdown hook.
 * Fault tests kill its TaskManager ({@link #killTaskManager}) and start another ({@link #startTaskManager}).
 *
 * <pre>
 *   try (FlinkCluster flink = FlinkCluster.start(dir, 2)) {
 *     ... runner.flink_master = flink.master() ...
 *   }
 * </pre>
 */
final class FlinkCluster implements AutoCloseable {
  /**
   * What a Flink distribution's lib/ holds, as Maven artifacts on this classpath: Flink's jars and
   * the libraries its own jars need (flink-dist shades them in). Beam, shardcast and the rest stay
   * off the cluster's classpath: a job brings them (staged jars, or the job jar).
   */
  private static final Pattern FLINK_LIB = Pattern.compile(".*/("
      + "org/apache/flink/|commons-cli/|org/apache/commons/commons-(math3|text|lang3|compress)/|commons-io/"
      + "|commons-collections/|org/snakeyaml/|com/esotericsoftware/|org/objenesis/|com/twitter/chill-java/"
      + "|org/javassist/|tools/profiler/|org/lz4/|org/xerial/snappy/|com/google/code/findbugs/|org/slf4j/"
      + ").*\\.jar");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final int restPort;
  private final List<String> classpath;
  private final List<Process> processes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Thread shutdownHook = new Thread(this::stop, "flink-cluster-stop");
  private Process taskManager;
  private int taskManagersStarted;

  private FlinkCluster(Path dir, int restPort, List<String> classpath) {
    this.dir = dir;
    this.restPort = restPort;
    this.classpath = classpath;
  }

  /** Starts the cluster in {@code dir} (conf/, tmp/, log/) and waits until its TaskManager's slots are registered. */
  static FlinkCluster start(Path dir, int slots) throws IOException, InterruptedException {
    return start(dir, slots, List.of());
  }

  /** @param extraConf more flink-conf.yaml lines ({@code key: value}) */
  static FlinkCluster start(Path dir, int slots, List<String> extraConf) throws IOException, InterruptedException {
    FlinkCluster c = new FlinkCluster(dir, freePort(), flinkClasspath());
    Runtime.getRuntime().addShutdownHook(c.shutdownHook);
    try {
      c.writeConf(slots, extraConf);
      long t0 = System.nanoTime();
      c.processes.add(c.launch("jobmanager", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
          c.resourceParams("GET_JM_RESOURCE_PARAMS")));
      c.launchTaskManager();
      c.awaitSlots(slots);
      System.out.printf("FlinkCluster: ready at %s in %d ms (%s)%n", c.master(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), dir);
      return c;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  /** host:port of the REST endpoint: what runner.flink_master and {@code flink run -m} take. */
  String master() {
    return "127.0.0.1:" + restPort;
  }

  Path confDir() {
    return dir.resolve("conf");
  }

  Path logDir() {
    return dir.resolve("log");
  }

  /** The running TaskManager's process (null after {@link #killTaskManager} until {@link #startTaskManager}). */
  Process taskManager() {
    return taskManager;
  }

  /** SIGKILL to the TaskManager ({@link Process#destroyForcibly()} on Linux), as a lost machine: nothing of it runs on. */
  long killTaskManager() throws InterruptedException {
    Process tm = taskManager;
    taskManager = null;
    tm.destroyForcibly();
    if (!tm.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("TaskManager " + tm.pid() + " still alive 30 s after SIGKILL");
    }
    processes.remove(tm);
    return tm.pid();
  }

  /** A new TaskManager (its own log files), returned once the JobManager lists it. */
  void startTaskManager() throws IOException, InterruptedException {
    java.util.Set<String> before = new java.util.HashSet<>();
    rest("/taskmanagers").path("taskmanagers").forEach(t -> before.add(t.path("id").asText()));
    launchTaskManager();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!taskManager.isAlive()) {
        throw new IllegalStateException("the new TaskManager ended with " + taskManager.exitValue() + "; logs in "
            + logDir());
      }
      for (JsonNode t : rest("/taskmanagers").path("taskmanagers")) {
        if (!before.contains(t.path("id").asText())) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the new TaskManager did not register within " + READY_TIMEOUT.toSeconds() + " s");
  }

  private void launchTaskManager() throws IOException, InterruptedException {
    taskManagersStarted++;
    String name = taskManagersStarted == 1 ? "taskmanager" : "taskmanager-" + taskManagersStarted;
    taskManager = launch(name, "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
        resourceParams("GET_TM_RESOURCE_PARAMS"));
    processes.add(taskManager);
  }

  /** GET on the REST API, as JSON. */
  JsonNode rest(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
        .send(HttpRequest.newBuilder(URI.create("http://" + master() + path)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** What a {@code flink run} ended with. */
  record CliResult(int exitCode, String output) {}

  /**
   * {@code flink run -m <this cluster> <args>}: Flink's CLI class in its own JVM on the cluster's
   * classpath, with this cluster's config folder as FLINK_CONF_DIR; output kept in log/ too.
   */
  CliResult flinkRun(Path workDir, Duration timeout, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(java(), "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx1g",
        "-Dorg.slf4j.simpleLogger.showDateTime=true", "-cp", String.join(File.pathSeparator, classpath),
        "org.apache.flink.client.cli.CliFrontend", "run", "-m", master()));
    cmd.addAll(Arrays.asList(args));
    Path log = Files.createTempFile(logDir(), "flink-run-", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("FLINK_CONF_DIR", confDir().toString());
    Process p = pb.start();
    processes.add(p);
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("flink run did not end within " + timeout + "; its output: " + tail(log));
      }
      return new CliResult(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      kill(p);
      processes.remove(p);
    }
  }

  /** Stops the processes (TaskManager first) and forgets the shutdown hook. */
  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs (or ran) stop() itself
    }
  }

  private void stop() {
    List<Process> all = new ArrayList<>(processes);
    for (int i = all.size() - 1; i >= 0; i--) {
      kill(all.get(i));
    }
    processes.clear();
  }

  private static void kill(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void writeConf(int slots, List<String> extraConf) throws IOException {
    for (String sub : List.of("conf", "tmp", "log")) {
      Files.createDirectories(dir.resolve(sub));
    }
    // Memory: what worked on a 2-core / 24 GiB machine; the network pool needs its 320 MB (less: "Insufficient
    // number of network buffers"). Heartbeats every 2 s, not 10: counters reach the JobManager (and the
    // progress lines) within a test job's lifetime. Ports Flink may choose itself are 0.
    List<String> conf = List.of(
        "jobmanager.rpc.address: 127.0.0.1",
        "jobmanager.rpc.port: " + freePort(),
        "jobmanager.bind-host: 127.0.0.1",
        "taskmanager.bind-host: 127.0.0.1",
        "taskmanager.host: 127.0.0.1",
        "taskmanager.rpc.port: 0",
        "taskmanager.data.port: 0",
        "blob.server.port: 0",
        "rest.address: 127.0.0.1",
        "rest.bind-address: 127.0.0.1",
        "rest.port: " + restPort,
        "jobmanager.memory.process.size: 1024m",
        "taskmanager.memory.process.size: 2048m",
        "taskmanager.memory.network.min: 320mb",
        "taskmanager.memory.network.max: 320mb",
        "taskmanager.numberOfTaskSlots: " + slots,
        "parallelism.default: " + slots,
        "heartbeat.interval: 2000",
        "io.tmp.dirs: " + dir.resolve("tmp"));
    Files.write(confDir().resolve("flink-conf.yaml"), conf);
    Files.write(confDir().resolve("flink-conf.yaml"), extraConf, java.nio.file.StandardOpenOption.APPEND);
  }

  /** Flink's own memory arithmetic: JVM flags (first line) and dynamic properties (second), as its scripts use them. */
  private List<String> resourceParams(String which) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(java(), "-cp", String.join(File.pathSeparator, classpath),
        "org.apache.flink.runtime.util.bash.BashJavaUtils", which, "--configDir", confDir().toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("BashJavaUtils " + which + " failed:\n" + out);
    }
    List<String> results = out.lines().filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
        .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim()).toList();
    if (results.size() < 2) {
      throw new IllegalStateException("BashJavaUtils " + which + " printed no result:\n" + out);
    }
    List<String> jvm = new ArrayList<>(Arrays.asList(results.get(results.size() - 2).split("\\s+")));
    List<String> dynamic = Arrays.asList(results.get(results.size() - 1).split("\\s+"));
    jvm.add("::");
    jvm.addAll(dynamic);
    return jvm;
  }

  private Process launch(String name, String mainClass, List<String> params) throws IOException {
    int split = params.indexOf("::");
    List<String> cmd = new ArrayList<>(List.of(java()));
    cmd.addAll(params.subList(0, split));
    cmd.addAll(List.of("--add-opens=java.base/java.nio=ALL-UNNAMED",
        "-Dlog.file=" + logDir().resolve(name + ".log"),
        "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.log.org.apache.flink.metrics.MetricGroup=error",
        "-cp", String.join(File.pathSeparator, classpath), mainClass, "--configDir", confDir().toString()));
    cmd.addAll(params.subList(split + 1, params.size()));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(logDir().resolve(name + ".out").toFile());
    // The AWS default chain of the JobManager and TaskManager: what a job with s3:// locations reads
    // there (the tests' S3Proxy); on a real cluster the nodes' instance role or environment.
    pb.environment().put("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY);
    pb.environment().put("AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
    return pb.start();
  }

  private void awaitSlots(int slots) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a Flink process ended with " + p.exitValue() + " before the cluster was"
              + " ready; its logs: " + logDir() + "\n" + tail(logDir().resolve("jobmanager.out")) + "\n"
              + tail(logDir().resolve("taskmanager.out")));
        }
      }
      try {
        JsonNode o = rest("/overview");
        if (o.path("taskmanagers").asInt() >= 1 && o.path("slots-total").asInt() >= slots) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("no TaskManager with " + slots + " slots after " + READY_TIMEOUT.toSeconds()
        + " s; logs in " + logDir());
  }

  /** The Flink jars (and what they need) of this JVM's classpath. */
  private static List<String> flinkClasspath() {
    List<String> jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> FLINK_LIB.matcher(e.replace(File.separatorChar, '/')).matches()).toList();
    if (jars.stream().noneMatch(j -> j.contains("flink-runtime"))) {
      throw new IllegalStateException("no flink-runtime jar on the test classpath: " + System.getProperty("java.class.path"));
    }
    return jars;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(" + file + " not readable: " + e + ")";
    }
  }
}
