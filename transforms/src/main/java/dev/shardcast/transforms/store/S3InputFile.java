package dev.shardcast.transforms.store;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A Parquet file in S3 read with exact ranged GETs: the footer, then the byte ranges of the column
 * chunks the reader asks for (parquet-java reads a row group's consecutive projected chunks in one
 * {@code readFully}), so a job that uses 3 of 40 columns fetches about 3/40 of the object, not all
 * of it as a whole-object or open-ended GET would. {@link #bytesFetched()} counts what came over the
 * wire.
 *
 * <p>Small reads ({@code read()} of one byte, short {@code read(byte[])}) go through a read-ahead
 * window of {@link #READ_AHEAD} bytes, so a footer parsed byte by byte costs a few requests, not
 * thousands.
 */
public final class S3InputFile implements InputFile {
  static final int READ_AHEAD = 64 * 1024;

  private final S3Client client;
  private final S3Location location;
  private final long length;
  private final AtomicLong fetched = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();

  /** @param length the object's size (known from the listing, so no HEAD request is needed) */
  public S3InputFile(S3Client client, S3Location location, long length) {
    this.client = client;
    this.location = location;
    this.length = length;
  }

  @Override
  public long getLength() {
    return length;
  }

  public long bytesFetched() {
    return fetched.get();
  }

  public long requests() {
    return requests.get();
  }

  /** Bytes [from, from + n) of the object; n > 0 and within it. */
  byte[] range(long from, int n) throws IOException {
    requests.incrementAndGet();
    try {
      ResponseBytes<GetObjectResponse> r = client.getObjectAsBytes(b -> b.bucket(location.bucket()).key(location.key())
          .range("bytes=" + from + "-" + (from + n - 1)));
      byte[] bytes = r.asByteArray();
      fetched.addAndGet(bytes.length);
      if (bytes.length != n) {
        throw new IOException(location + ": asked for " + n + " bytes at " + from + ", got " + bytes.length);
      }
      return bytes;
    } catch (SdkException e) {
      throw new IOException("reading " + location + " (bytes " + from + ".." + (from + n - 1) + "): " + e.getMessage(), e);
    }
  }

  @Override
  public SeekableInputStream newStream() {
    return new Stream();
  }

  private final class Stream extends SeekableInputStream {
    private long pos;
    private byte[] window = new byte[0];
    private long windowStart;

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void seek(long newPos) throws IOException {
      if (newPos < 0 || newPos > length) {
        throw new EOFException("seek to " + newPos + " outside " + location + " (" + length + " bytes)");
      }
      pos = newPos;
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
      if (pos >= length) {
        return -1;
      }
      int n = (int) Math.min(len, length - pos);
      if (pos >= windowStart && pos + n <= windowStart + window.length) {
        System.arraycopy(window, (int) (pos - windowStart), b, off, n);
      } else if (n >= READ_AHEAD) {
        System.arraycopy(range(pos, n), 0, b, off, n);
      } else {
        windowStart = pos;
        window = range(pos, (int) Math.min(READ_AHEAD, length - pos));
        System.arraycopy(window, 0, b, off, n);
      }
      pos += n;
      return n;
    }

    @Override
    public void readFully(byte[] bytes) throws IOException {
      readFully(bytes, 0, bytes.length);
    }

    @Override
    public void readFully(byte[] bytes, int start, int len) throws IOException {
      if (len == 0) {
        return;
      }
      if (pos + len > length) {
        throw new EOFException(location + ": " + len + " bytes at " + pos + " run past its end (" + length + ")");
      }
      if (pos >= windowStart && pos + len <= windowStart + window.length) {
        System.arraycopy(window, (int) (pos - windowStart), bytes, start, len);
      } else {
        System.arraycopy(range(pos, len), 0, bytes, start, len);
      }
      pos += len;
    }

    @Override
    public int read(ByteBuffer buf) throws IOException {
      int n = (int) Math.min(buf.remaining(), length - pos);
      if (n <= 0) {
        return buf.remaining() == 0 ? 0 : -1;
      }
      byte[] tmp = new byte[n];
      int got = read(tmp, 0, n);
      buf.put(tmp, 0, got);
      return got;
    }

    @Override
    public void readFully(ByteBuffer buf) throws IOException {
      byte[] tmp = new byte[buf.remaining()];
      readFully(tmp, 0, tmp.length);
      buf.put(tmp);
    }
  }
}
