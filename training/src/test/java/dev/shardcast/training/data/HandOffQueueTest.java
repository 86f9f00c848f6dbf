package dev.shardcast.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HandOffQueueTest {
  @Test
  void handsItemsOverInTheOrderTheyWentIn() throws Exception {
    HandOffQueue<Integer> q = new HandOffQueue<>(10);
    q.putAll(List.of(1, 2, 3));
    q.putAll(List.of(4));
    List<Integer> out = new ArrayList<>();
    for (Integer i; (i = q.poll()) != null; ) {
      out.add(i);
    }
    assertEquals(List.of(1, 2, 3, 4), out);
    assertNull(q.poll(10, TimeUnit.MILLISECONDS));
  }

  @Test
  void aProducerWaitsUntilHalfTheQueueIsFree() throws Exception {
    HandOffQueue<Integer> q = new HandOffQueue<>(4);
    q.putAll(List.of(1, 2, 3, 4));
    CountDownLatch put = new CountDownLatch(1);
    Thread producer = new Thread(() -> {
      try {
        q.putAll(List.of(5, 6));
        put.countDown();
      } catch (InterruptedException ignored) {
        // the test failed already
      }
    });
    producer.start();
    assertFalse(put.await(200, TimeUnit.MILLISECONDS), "a full queue took more");
    assertEquals(1, q.poll());
    assertEquals(2, q.poll()); // two left: half free, room for both
    assertTrue(put.await(5, TimeUnit.SECONDS));
    assertEquals(List.of(3, 4, 5, 6), List.of(q.poll(), q.poll(), q.poll(), q.poll()));
    producer.join();
  }

  @Test
  void aListLongerThanTheCapacityGoesInWholeOnceTheQueueIsEmpty() throws Exception {
    HandOffQueue<Integer> q = new HandOffQueue<>(2);
    q.putAll(List.of(1));
    CountDownLatch put = new CountDownLatch(1);
    Thread producer = new Thread(() -> {
      try {
        q.putAll(List.of(2, 3, 4));
        put.countDown();
      } catch (InterruptedException ignored) {
        // the test failed already
      }
    });
    producer.start();
    assertFalse(put.await(200, TimeUnit.MILLISECONDS));
    assertEquals(1, q.poll(1, TimeUnit.SECONDS));
    assertEquals(2, q.poll(5, TimeUnit.SECONDS));
    assertTrue(put.await(5, TimeUnit.SECONDS));
    assertEquals(3, q.poll());
    assertEquals(4, q.poll());
    producer.join();
  }
}
