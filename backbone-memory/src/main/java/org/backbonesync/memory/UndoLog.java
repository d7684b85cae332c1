package org.backbonesync.memory;

import java.util.Arrays;
import java.util.Map;

/**
 * What the open transaction changed, to be put back if it fails: each write logs a step and the
 * three things it needs, side by side in one array that lives as long as the stores. A step is a
 * non-capturing lambda (one object for the whole run), so a write logs no object of its own,
 * where a capturing {@code Runnable} per write was 300 B of the engine's garbage per message
 * ({@code EngineBenchmark}). Guarded by the stores' lock: one transaction at a time.
 */
final class UndoLog {
  /** What to do with the three things a write logged, to undo it. */
  @FunctionalInterface
  interface Step<A, B, C> {
    void undo(A a, B b, C c);
  }

  private static final Object ABSENT = new Object(); // (a map's key that had no value)
  private static final Step<Map<Object, Object>, Object, Object> MAP_BACK = (map, key, old) -> {
    if (old == ABSENT) {
      map.remove(key);
    } else {
      map.put(key, old);
    }
  };
  private static final Step<Runnable, Object, Object> RUN = (step, b, c) -> step.run();

  private static final int INITIAL = 4 * 16;
  private static final int KEPT = 4 * 1024;

  private Object[] steps = new Object[INITIAL]; // step, a, b, c; the newest last
  private int size;

  /** Logs a step to undo a write. */
  <A, B, C> void push(Step<A, B, C> step, A a, B b, C c) {
    if (size == steps.length) {
      steps = Arrays.copyOf(steps, 2 * size);
    }
    steps[size] = step;
    steps[size + 1] = a;
    steps[size + 2] = b;
    steps[size + 3] = c;
    size += 4;
  }

  /** Logs a step of a rare write, as a runnable. */
  void push(Runnable step) {
    push(RUN, step, null, null);
  }

  /** Logs that {@code map} had {@code old} at {@code key}, or nothing when {@code had} is false. */
  @SuppressWarnings("unchecked")
  <K, V> void mapped(Map<K, V> map, K key, boolean had, V old) {
    push(MAP_BACK, (Map<Object, Object>) map, key, had ? old : ABSENT);
  }

  /** Undoes every logged write, the newest first, and empties the log. */
  @SuppressWarnings("unchecked")
  void undo() {
    for (int i = size - 4; i >= 0; i -= 4) {
      ((Step<Object, Object, Object>) steps[i]).undo(steps[i + 1], steps[i + 2], steps[i + 3]);
    }
    clear();
  }

  /**
   * Empties the log (the transaction committed), keeping its array unless a large transaction
   * (an import of thousands of rows) grew it past {@value #KEPT} slots: that one is let go.
   */
  void clear() {
    if (steps.length > KEPT) {
      steps = new Object[INITIAL];
    } else {
      Arrays.fill(steps, 0, size, null);
    }
    size = 0;
  }
}
