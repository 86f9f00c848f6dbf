package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine;

/**
 * One in-process run of the CLI ({@link ShardcastCli#commandLine()}) with everything it prints
 * captured: picocli's own streams and System.out/err, where the summary and SLF4J's simple logger
 * write. The standard streams are put back afterwards, also when the run times out.
 */
record CliRun(int code, String out, String err) {

  static CliRun of(Duration timeout, String... args) {
    return run(false, timeout, args);
  }

  /** As the shardcast launcher runs it: System.out and System.err behind {@link RedactingStream}. */
  static CliRun redacted(Duration timeout, String... args) {
    return run(true, timeout, args);
  }

  private static CliRun run(boolean redacting, Duration timeout, String... args) {
    return assertTimeoutPreemptively(timeout, () -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream oldOut = System.out;
      PrintStream oldErr = System.err;
      try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
          PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
        System.setOut(redacting ? RedactingStream.wrap(o) : o);
        System.setErr(redacting ? RedactingStream.wrap(e) : e);
        CommandLine cli = ShardcastCli.commandLine();
        // picocli's own streams default to System.out/err as they are now (the redacting ones if so).
        cli.setOut(new PrintWriter(System.out, true));
        cli.setErr(new PrintWriter(System.err, true));
        int code = cli.execute(args);
        System.out.flush(); // a redacting stream holds a line that has not ended
        System.err.flush();
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
      } finally {
        System.setOut(oldOut);
        System.setErr(oldErr);
      }
    });
  }

  /** Both streams, for messages that say where they went wrong. */
  String all() {
    return "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
  }
}
