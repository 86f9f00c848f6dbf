package dev.shardcast.transforms.store;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * An S3 object read front to back in one streaming GET that resumes where it broke off. The SDK
 * retries a request until its response starts; a connection lost while the body streams (the server
 * stopped, a network blip) surfaces later, in {@code read()}, where no retry policy applies, and
 * Beam's S3 channel passes it on as a failed read. Here the stream is reopened with a ranged GET
 * from the first byte not yet read (that GET retried as any request is, {@code s3.retry}); after
 * {@code maxResumes} breaks in a row without a byte read in between, the read fails naming the
 * object. The bytes read are exactly the object's: nothing is skipped or repeated.
 */
public final class S3ObjectStream extends InputStream {
  private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStream.class);

  private final S3Client client;
  private final S3Location location;
  private final long length;
  private final int maxResumes;
  private ResponseInputStream<GetObjectResponse> body;
  private long position;
  private int breaksInARow;
  private int resumes;

  /** @param length the object's size (from the listing), so the end is known without a HEAD */
  public S3ObjectStream(S3Client client, S3Location location, long length, int maxResumes) {
    this.client = client;
    this.location = location;
    this.length = length;
    this.maxResumes = maxResumes;
  }

  /** How many times the body was reopened after a break. */
  public int resumes() {
    return resumes;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (position < length) {
      if (body == null) {
        open();
      }
      int n;
      try {
        n = body.read(b, off, (int) Math.min(len, length - position));
      } catch (IOException e) {
        broke(e);
        continue;
      }
      if (n < 0) { // the body ended before the object's size: cut off
        broke(new EOFException("the body ended at byte " + position + " of " + length));
        continue;
      }
      position += n;
      breaksInARow = 0;
      return n;
    }
    return -1;
  }

  private void open() {
    // Ranged from the start too: the length is known, and a resumed GET is then no different.
    String range = "bytes=" + position + "-" + (length - 1);
    body = client.getObject(r -> r.bucket(location.bucket()).key(location.key()).range(range));
  }

  private void broke(IOException e) throws IOException {
    discardBody();
    if (++breaksInARow > maxResumes) {
      throw new IOException("reading " + location + " broke off at byte " + position + " of " + length + ", "
          + breaksInARow + " times in a row: " + e, e);
    }
    resumes++;
    LOG.warn("reading {} broke off at byte {} of {} ({}); resuming from there", location, position, length, e.toString());
  }

  private void discardBody() {
    if (body != null) {
      body.abort(); // the connection is not reused: it may be half-read or broken
      try {
        body.close();
      } catch (IOException ignored) {
        // closing a broken stream; the resumed GET is what matters
      }
      body = null;
    }
  }

  @Override
  public void close() {
    if (body != null && position < length) {
      discardBody();
    } else if (body != null) {
      try {
        body.close();
      } catch (IOException ignored) {
        // fully read; nothing left to lose
      }
      body = null;
    }
  }
}
