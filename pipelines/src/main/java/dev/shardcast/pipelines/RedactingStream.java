package dev.shardcast.pipelines;

import dev.shardcast.transforms.config.Redaction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A filter on a standard stream that masks secrets ({@link Redaction}) line by line, so no log line
 * of shardcast or of a library it runs (Beam, Flink, the AWS SDK) prints a URL's password, a presigned
 * signature or an access key id. The CLI installs it on System.out and System.err before anything
 * is printed; a line is written when it ends (or on flush), so a secret is never split across writes
 * of one println.
 */
final class RedactingStream extends OutputStream {
  private final OutputStream target;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

  RedactingStream(OutputStream target) {
    this.target = target;
  }

  /** Replaces System.out and System.err by redacting streams over the current ones. */
  static void installOnStandardStreams() {
    System.setOut(wrap(System.out));
    System.setErr(wrap(System.err));
  }

  static PrintStream wrap(PrintStream stream) {
    return new PrintStream(new RedactingStream(stream), true, StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void write(int b) throws IOException {
    line.write(b);
    if (b == '\n') {
      emit();
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      write(b[i]);
    }
  }

  @Override
  public synchronized void flush() throws IOException {
    emit();
    target.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    flush();
    target.close();
  }

  private void emit() throws IOException {
    if (line.size() == 0) {
      return;
    }
    // Decoded whole lines only (emit runs at '\n' or flush): a multi-byte character is never cut in two.
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    target.write(Redaction.text(text).getBytes(StandardCharsets.UTF_8));
  }
}
