package dev.shardcast.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RecycledTensorsTest {
  private static final Shape PAST = new Shape(4, 2, 3);
  private static final Shape FUTURE = new Shape(4, 1, 2);
  private static NDManager parent;

  @BeforeAll
  static void engine() {
    System.setProperty("ai.djl.offline", "true");
    parent = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    parent.close();
  }

  /** A batch of {@code past} shape written with {@code v} everywhere, closed through its recycle hook. */
  private static Batch batch(RecycledTensors t, Shape past, Shape future, float v) {
    NDManager m = parent.newSubManager();
    RecycledTensors.Slot s = t.take(m, past, future);
    while (s.pastValues().hasRemaining()) {
      s.pastValues().put(v);
    }
    int n = (int) past.get(0);
    return new Batch(0, "f", m, s.past(), s.future(), s.observed(), new String[n], new long[n], new long[n], null,
        t.giveBack(s, m));
  }

  @Test
  void aClosedBatchsTensorsAreWrittenAgainForTheNextBatchAndItsOtherArraysAreFreed() {
    try (RecycledTensors t = new RecycledTensors(parent, 4, new int[] {2, 3, 1, 2}, 8)) {
      Batch first = batch(t, PAST, FUTURE, 1f);
      NDArray temporary = first.past().add(1f); // a consumer's result, on the batch's manager
      NDArray past = first.past();
      first.close();
      assertTrue(temporary.isReleased(), "what the consumer made on the batch's manager is freed with it");
      assertTrue(!past.isReleased(), "the tensor itself waits for the next batch");
      assertEquals(1, t.free());
      Batch second = batch(t, PAST, FUTURE, 2f);
      assertSame(past, second.past(), "the same tensor, not a new allocation");
      assertSame(second.manager(), second.past().getManager(), "now owned by the new batch");
      float[] twos = new float[24];
      java.util.Arrays.fill(twos, 2f);
      assertArrayEquals(twos, second.past().toFloatArray(), "written again whole");
      second.close();
    }
  }

  @Test
  void aTensorTheConsumerMovedElsewhereIsKeptByTheConsumer() {
    try (RecycledTensors t = new RecycledTensors(parent, 4, new int[] {2, 3, 1, 2}, 8);
        NDManager keeper = parent.newSubManager()) {
      Batch first = batch(t, PAST, FUTURE, 1f);
      NDArray kept = first.past();
      kept.attach(keeper);
      first.close();
      assertEquals(0, t.free(), "a set missing one tensor is not taken back");
      Batch second = batch(t, PAST, FUTURE, 2f);
      assertNotSame(kept, second.past());
      second.close();
      float[] ones = new float[24];
      java.util.Arrays.fill(ones, 1f);
      assertArrayEquals(ones, kept.toFloatArray(), "the consumer's tensor is not written by a later batch");
    }
  }

  @Test
  void otherShapesAndSetsBeyondTheLimitAreFreedAndNothingIsTakenBackAfterClose() {
    RecycledTensors t = new RecycledTensors(parent, 4, new int[] {2, 3, 1, 2}, 1);
    Batch last = batch(t, new Shape(3, 2, 3), new Shape(3, 1, 2), 1f); // a split's last, smaller batch
    NDArray lastPast = last.past();
    last.close();
    assertTrue(lastPast.isReleased());
    assertEquals(0, t.free());
    Batch a = batch(t, PAST, FUTURE, 1f);
    Batch b = batch(t, PAST, FUTURE, 1f);
    NDArray bPast = b.past();
    a.close();
    b.close();
    assertEquals(1, t.free(), "at most maxFree sets wait");
    assertTrue(bPast.isReleased(), "the set beyond the limit is freed");
    Batch c = batch(t, PAST, FUTURE, 1f);
    NDArray cPast = c.past();
    t.close();
    c.close();
    assertTrue(cPast.isReleased(), "after the reader closed, a batch's tensors are freed with it");
    assertEquals(0, t.free());
  }
}
