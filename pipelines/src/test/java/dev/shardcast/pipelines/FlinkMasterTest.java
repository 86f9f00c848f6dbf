package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A standing Flink cluster that cannot take the job is a config error (exit 2) in seconds, naming
 * the master, before the output folder is touched: nothing listening, something that is not Flink, a
 * cluster with too few task slots. The "clusters" here are real sockets and a real HTTP server.
 */
class FlinkMasterTest {
  @Test
  void nothingListeningIsExit2InSeconds(@TempDir Path out) throws IOException {
    int port = FlinkCluster.freePort(); // closed again: nothing listens there
    Result r = prepare(out, "127.0.0.1:" + port, 2);
    assertEquals(2, r.exitCode, r.err);
    assertTrue(r.err.contains("runner.flink_master") && r.err.contains("127.0.0.1:" + port)
        && r.err.contains("not reachable"), r.err);
    assertTrue(r.seconds < 15, "took " + r.seconds + " s");
  }

  @Test
  void somethingThatIsNotFlinkIsNamed(@TempDir Path out) throws IOException {
    HttpServer server = server(404, "not here");
    try {
      Result r = prepare(out, "127.0.0.1:" + server.getAddress().getPort(), 2);
      assertEquals(2, r.exitCode, r.err);
      assertTrue(r.err.contains("answered HTTP 404") && r.err.contains("REST port"), r.err);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void tooFewSlotsIsReportedNotWaitedFor(@TempDir Path out) throws IOException {
    HttpServer server = server(200, "{\"taskmanagers\":1,\"slots-total\":1,\"slots-available\":1,"
        + "\"flink-version\":\"1.19.0\"}");
    try {
      // The output folder holds an earlier run's file: a refused job leaves it alone.
      Files.writeString(out.resolve("manifest.json"), "{}");
      Result r = prepare(out, "127.0.0.1:" + server.getAddress().getPort(), 2);
      assertEquals(2, r.exitCode, r.err);
      assertTrue(r.err.contains("has 1 task slots") && r.err.contains("runner.parallelism is 2"), r.err);
      assertEquals("{}", Files.readString(out.resolve("manifest.json")));
    } finally {
      server.stop(0);
    }
  }

  private record Result(int exitCode, String err, double seconds) {}

  private static Result prepare(Path out, String master, int parallelism) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cli = ShardcastCli.commandLine();
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    long t0 = System.nanoTime();
    int code = cli.execute("prepare", ItSupport.demoJob().toString(),
        "--set", "input.path=" + ItSupport.demoCsv(),
        "--set", "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv"),
        "--set", "shards.output=" + out,
        "--set", "runner.name=flink",
        "--set", "runner.flink_master=" + master,
        "--set", "runner.parallelism=" + parallelism);
    return new Result(code, err.toString(StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1e9);
  }

  private static HttpServer server(int status, String body) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.createContext("/", x -> {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(status, b.length);
      x.getResponseBody().write(b);
      x.close();
    });
    s.start();
    return s;
  }
}
