package dev.shardcast.training.data;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An epoch's hand-over queue between the prefetch thread and the consumer: bounded and blocking as
 * {@link java.util.concurrent.ArrayBlockingQueue}, but items go in a list at a time and the two sides
 * wake each other in bulk. A consumer waiting on an empty queue is woken once per list (a chunk of
 * batches), not once per batch, and a producer waiting on a full one once half the queue is free.
 * On a small machine each wake-up is a futex call and often an interrupt to the other core: about
 * a tenth of the loader's time when it was once per batch.
 */
final class HandOffQueue<T> {
  private final ArrayDeque<T> items = new ArrayDeque<>();
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition roomy = lock.newCondition();

  HandOffQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity);
    }
    this.capacity = capacity;
  }

  /** Adds the items in order once there is room for all of them (a list longer than the capacity: once the queue is empty). */
  void putAll(List<? extends T> list) throws InterruptedException {
    if (list.isEmpty()) {
      return;
    }
    lock.lockInterruptibly();
    try {
      while (!items.isEmpty() && items.size() + list.size() > capacity) {
        roomy.await();
      }
      items.addAll(list);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /** The head, waiting up to {@code timeout} for one; null if none came. */
  T poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      while (items.isEmpty()) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      return take();
    } finally {
      lock.unlock();
    }
  }

  /** The head, or null when empty, without waiting. */
  T poll() {
    lock.lock();
    try {
      return items.isEmpty() ? null : take();
    } finally {
      lock.unlock();
    }
  }

  private T take() {
    T t = items.poll();
    if (items.size() <= capacity / 2) {
      roomy.signal();
    }
    return t;
  }
}
