package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.core.RowChunk;
import dev.shardcast.transforms.core.SampleBlock;
import dev.shardcast.transforms.core.WindowBlock;
import dev.shardcast.transforms.core.WindowSegment;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.apache.beam.sdk.coders.CustomCoder;

/** Compact binary coders for the column-wise blocks that travel between pipeline steps. */
public final class BlockCoders {
  private BlockCoders() {}

  /**
   * A coder without state: every instance equals every other, so two PCollections with it can be
   * flattened on Flink (which compares the coders of a union's inputs by equals).
   */
  abstract static class StatelessCoder<T> extends CustomCoder<T> {
    @Override
    public boolean equals(Object o) {
      return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
      return getClass().hashCode();
    }
  }

  public static final class RowChunkCoder extends StatelessCoder<RowChunk> {
    @Override
    public void encode(RowChunk c, OutputStream os) throws IOException {
      DataOutputStream out = new DataOutputStream(os);
      out.writeUTF(c.series);
      out.writeUTF(c.source);
      out.writeUTF(c.origin);
      out.writeInt(c.width);
      out.writeInt(c.size);
      writeLongs(out, c.steps);
      writeLongs(out, c.times);
      writeLongs(out, c.lines);
      writeDoubles(out, c.values);
      out.writeBoolean(c.rowSources != null);
      if (c.rowSources != null) {
        for (int r = 0; r < c.size; r++) {
          out.writeUTF(c.rowSources[r]);
          out.writeUTF(c.rowOrigins[r]);
        }
      }
      out.flush();
    }

    @Override
    public RowChunk decode(InputStream is) throws IOException {
      DataInputStream in = new DataInputStream(is);
      String series = in.readUTF();
      String source = in.readUTF();
      String origin = in.readUTF();
      int width = in.readInt();
      int size = in.readInt();
      long[] steps = readLongs(in);
      long[] times = readLongs(in);
      long[] lines = readLongs(in);
      double[] values = readDoubles(in);
      String[] rowSources = null;
      String[] rowOrigins = null;
      if (in.readBoolean()) {
        rowSources = new String[size];
        rowOrigins = new String[size];
        for (int r = 0; r < size; r++) {
          rowSources[r] = in.readUTF();
          rowOrigins[r] = in.readUTF();
        }
      }
      return new RowChunk(series, source, origin, width, size, steps, times, lines, values, rowSources, rowOrigins);
    }
  }

  public static final class WindowBlockCoder extends StatelessCoder<WindowBlock> {
    @Override
    public void encode(WindowBlock b, OutputStream os) throws IOException {
      DataOutputStream out = new DataOutputStream(os);
      out.writeInt(b.size);
      out.writeInt(b.inputs);
      out.writeInt(b.pastLen);
      out.writeInt(b.targets);
      out.writeInt(b.futureLen);
      out.writeBoolean(b.hasMasks());
      // Series names repeat within a block (one chunk is one series): write each distinct run once.
      int i = 0;
      while (i < b.size) {
        int j = i;
        while (j < b.size && b.series[j].equals(b.series[i])) {
          j++;
        }
        out.writeInt(j - i);
        out.writeUTF(b.series[i]);
        i = j;
      }
      writeLongs(out, b.windowStart);
      writeLongs(out, b.forecastStart);
      writeLongs(out, b.startStep);
      writeLongs(out, b.order);
      writeFloats(out, b.past);
      writeFloats(out, b.future);
      if (b.hasMasks()) {
        out.write(b.pastFilled);
        out.write(b.futureFilled);
      }
      out.writeBoolean(b.hasSources());
      if (b.hasSources()) {
        for (String s : b.sources) {
          out.writeUTF(s);
        }
      }
      out.flush();
    }

    @Override
    public WindowBlock decode(InputStream is) throws IOException {
      DataInputStream in = new DataInputStream(is);
      int size = in.readInt();
      int inputs = in.readInt();
      int pastLen = in.readInt();
      int targets = in.readInt();
      int futureLen = in.readInt();
      boolean masks = in.readBoolean();
      String[] series = new String[size];
      int i = 0;
      while (i < size) {
        int run = in.readInt();
        String s = in.readUTF();
        for (int k = 0; k < run; k++) {
          series[i++] = s;
        }
      }
      long[] windowStart = readLongs(in);
      long[] forecastStart = readLongs(in);
      long[] startStep = readLongs(in);
      long[] order = readLongs(in);
      float[] past = readFloats(in);
      float[] future = readFloats(in);
      byte[] pastFilled = null;
      byte[] futureFilled = null;
      if (masks) {
        pastFilled = new byte[past.length];
        in.readFully(pastFilled);
        futureFilled = new byte[future.length];
        in.readFully(futureFilled);
      }
      String[] sources = null;
      if (in.readBoolean()) {
        sources = new String[size];
        for (int k = 0; k < size; k++) {
          sources[k] = in.readUTF();
        }
      }
      return new WindowBlock(size, inputs, pastLen, targets, futureLen, series, windowStart, forecastStart, startStep,
          past, future, pastFilled, futureFilled, order, sources);
    }
  }

  /** The compact layout's element: primitive arrays written whole, no per-value objects. */
  public static final class WindowSegmentCoder extends StatelessCoder<WindowSegment> {
    @Override
    public void encode(WindowSegment s, OutputStream os) throws IOException {
      DataOutputStream out = new DataOutputStream(os);
      out.writeUTF(s.series);
      out.writeLong(s.firstStep);
      out.writeLong(s.order);
      writeLongs(out, s.times);
      out.writeInt(s.values.length);
      out.writeBoolean(s.filled != null);
      for (int c = 0; c < s.values.length; c++) {
        writeFloats(out, s.values[c]);
        if (s.filled != null) {
          out.write(s.filled[c]);
        }
      }
      out.writeInt(s.offsets.length);
      ByteBuffer buf = ByteBuffer.allocate(s.offsets.length * 4);
      buf.asIntBuffer().put(s.offsets);
      out.write(buf.array());
      out.writeBoolean(s.sources != null);
      if (s.sources != null) {
        for (String src : s.sources) {
          out.writeUTF(src);
        }
      }
      out.flush();
    }

    @Override
    public WindowSegment decode(InputStream is) throws IOException {
      DataInputStream in = new DataInputStream(is);
      String series = in.readUTF();
      long firstStep = in.readLong();
      long order = in.readLong();
      long[] times = readLongs(in);
      int columns = in.readInt();
      boolean masks = in.readBoolean();
      float[][] values = new float[columns][];
      byte[][] filled = masks ? new byte[columns][] : null;
      for (int c = 0; c < columns; c++) {
        values[c] = readFloats(in);
        if (masks) {
          filled[c] = new byte[values[c].length];
          in.readFully(filled[c]);
        }
      }
      byte[] bytes = new byte[in.readInt() * 4];
      in.readFully(bytes);
      int[] offsets = new int[bytes.length / 4];
      ByteBuffer.wrap(bytes).asIntBuffer().get(offsets);
      String[] sources = null;
      if (in.readBoolean()) {
        sources = new String[offsets.length];
        for (int k = 0; k < sources.length; k++) {
          sources[k] = in.readUTF();
        }
      }
      return new WindowSegment(series, firstStep, times, values, filled, offsets, sources, order);
    }
  }

  public static final class SampleBlockCoder extends StatelessCoder<SampleBlock> {
    @Override
    public void encode(SampleBlock s, OutputStream os) throws IOException {
      DataOutputStream out = new DataOutputStream(os);
      out.writeInt(s.width);
      out.writeInt(s.size);
      writeLongs(out, s.hashes);
      writeDoubles(out, s.values);
      out.flush();
    }

    @Override
    public SampleBlock decode(InputStream is) throws IOException {
      DataInputStream in = new DataInputStream(is);
      int width = in.readInt();
      int size = in.readInt();
      return new SampleBlock(width, size, readLongs(in), readDoubles(in));
    }
  }

  private static void writeLongs(DataOutputStream out, long[] a) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(a.length * 8);
    buf.asLongBuffer().put(a);
    out.writeInt(a.length);
    out.write(buf.array());
  }

  private static long[] readLongs(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt() * 8];
    in.readFully(bytes);
    long[] a = new long[bytes.length / 8];
    ByteBuffer.wrap(bytes).asLongBuffer().get(a);
    return a;
  }

  private static void writeDoubles(DataOutputStream out, double[] a) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(a.length * 8);
    buf.asDoubleBuffer().put(a);
    out.writeInt(a.length);
    out.write(buf.array());
  }

  private static double[] readDoubles(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt() * 8];
    in.readFully(bytes);
    double[] a = new double[bytes.length / 8];
    ByteBuffer.wrap(bytes).asDoubleBuffer().get(a);
    return a;
  }

  private static void writeFloats(DataOutputStream out, float[] a) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(a.length * 4);
    buf.asFloatBuffer().put(a);
    out.writeInt(a.length);
    out.write(buf.array());
  }

  private static float[] readFloats(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt() * 4];
    in.readFully(bytes);
    float[] a = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).asFloatBuffer().get(a);
    return a;
  }
}
