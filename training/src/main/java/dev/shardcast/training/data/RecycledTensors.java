package dev.shardcast.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The host path's batch tensors, used again (as FFCV and DALI reuse their batch buffers): when a batch
 * is closed its three tensors come back here, and a later batch of the same size is written into
 * them. Allocating and freeing three engine tensors, with their JNI calls and a malloc and free on
 * different threads, cost about a fifth of the loader's CPU per batch. A batch's tensors are taken
 * back only while they are still its own, attached to its manager and open: a consumer that moved one
 * elsewhere keeps it. At most {@code maxFree} sets wait here; beyond that a closed batch's tensors
 * are freed with its manager, as are those of a batch of another size (a split's last).
 */
final class RecycledTensors implements AutoCloseable {
  /** One batch's tensors, and their memory as buffers (asked of the engine once per set, not per batch). */
  record Slot(NDArray past, NDArray future, NDArray observed, FloatBuffer pastValues, FloatBuffer futureValues,
      FloatBuffer observedValues) {
    private List<NDArray> arrays() {
      return List.of(past, future, observed);
    }
  }

  private final NDManager home;
  private final Shape pastShape;
  private final Shape futureShape;
  private final int maxFree;
  private final ArrayDeque<Slot> free = new ArrayDeque<>(); // last in, first out: the most recent is the likeliest in cache
  private boolean closed;

  /**
   * @param parent the reader's manager; the free sets are attached to a child of it
   * @param window a window's dimensions: {inputs, past, targets, future}
   */
  RecycledTensors(NDManager parent, int batchSize, int[] window, int maxFree) {
    this.home = parent.newSubManager();
    this.pastShape = new Shape(batchSize, window[0], window[1]);
    this.futureShape = new Shape(batchSize, window[2], window[3]);
    this.maxFree = maxFree;
  }

  /** Tensors of these shapes ({@code future}'s for the observed flags too) attached to {@code m}, their buffers rewound. */
  Slot take(NDManager m, Shape past, Shape future) {
    Slot s = null;
    if (past.equals(pastShape) && future.equals(futureShape)) {
      synchronized (this) {
        s = free.pollFirst();
      }
    }
    if (s == null) {
      NDArray p = m.create(past, DataType.FLOAT32);
      NDArray f = m.create(future, DataType.FLOAT32);
      NDArray o = m.create(future, DataType.FLOAT32);
      return new Slot(p, f, o, buffer(p), buffer(f), buffer(o));
    }
    for (NDArray a : s.arrays()) {
      a.attach(m);
    }
    s.pastValues().clear();
    s.futureValues().clear();
    s.observedValues().clear();
    return s;
  }

  private static FloatBuffer buffer(NDArray a) {
    return a.getShape().size() == 0 ? FloatBuffer.allocate(0) : a.toByteBuffer(true).asFloatBuffer();
  }

  /** What a batch runs when it is closed, before its manager closes: its tensors back to the free sets. */
  Runnable giveBack(Slot s, NDManager m) {
    return () -> giveBack0(s, m);
  }

  private void giveBack0(Slot s, NDManager m) {
    if (!s.past().getShape().equals(pastShape) || !s.future().getShape().equals(futureShape)) {
      return;
    }
    synchronized (this) {
      if (closed || free.size() >= maxFree) {
        return;
      }
      for (NDArray a : s.arrays()) {
        if (a.isReleased() || a.getManager() != m) {
          return;
        }
      }
      for (NDArray a : s.arrays()) {
        a.attach(home);
      }
      free.addFirst(s);
    }
  }

  /** Sets waiting to be used again. */
  synchronized int free() {
    return free.size();
  }

  @Override
  public synchronized void close() {
    closed = true;
    free.clear();
    home.close();
  }
}
