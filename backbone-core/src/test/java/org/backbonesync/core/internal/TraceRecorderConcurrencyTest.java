package org.backbonesync.core.internal;

import static org.backbonesync.core.internal.KeptTrace.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.backbonesync.spi.store.TraceEntry;
import org.junit.jupiter.api.Test;

/**
 * Steps on several threads gather trace entries while others write what was gathered: every
 * entry reaches the store once, and each thread's entries in the order it gathered them.
 */
class TraceRecorderConcurrencyTest {
  private static final int THREADS = 4;
  private static final int PER_THREAD = 20_000; // (crosses MAX_GATHERED many times)

  @Test
  void entriesGatheredOnManyThreadsAreWrittenOnceEachInTheirThreadsOrder() throws Exception {
    KeptTrace store = new KeptTrace();
    // a clock far ahead of the entries' own, so every flushIfDue finds them due
    TraceRecorder recorder = new TraceRecorder(store,
        Clock.fixed(Instant.ofEpochMilli(Long.MAX_VALUE / 2), ZoneOffset.UTC), 20);

    // (the writer: a periodic run's end, or a trace read, on another thread)
    gatherWhileWriting(recorder, (issue, seq) -> recorder.queued("PA", message(issue, seq)),
        recorder::flush);

    assertEveryEntryOnceInItsIssuesOrder(store);
  }

  @Test
  void runsWritesThatHoldStepsBackStillWriteEveryEntryOnceInItsIssuesOrder() throws Exception {
    KeptTrace store = new KeptTrace();
    AtomicLong millis = new AtomicLong();
    TraceRecorder recorder = new TraceRecorder(store,
        new MillisClock(millis::incrementAndGet), 20); // (a millisecond a look)

    gatherWhileWriting(recorder, (issue, seq) -> {
      if (seq % 3 == 0) {
        recorder.deliveryFailed("PA", message(issue, seq), "down");
      } else {
        recorder.queued("PA", message(issue, seq)); // (young steps, held back)
      }
    }, recorder::flushRun);

    assertEveryEntryOnceInItsIssuesOrder(store);
  }

  /**
   * Gathers {@link #PER_THREAD} entries of an issue on each of {@link #THREADS} threads, each
   * ending a step every 7, while another thread writes until they are done; then closes.
   */
  private static void gatherWhileWriting(TraceRecorder recorder, BiConsumer<String, Long> gather,
      Runnable write) throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS + 1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        String issue = "PA-" + t;
        runs.add(pool.submit(() -> {
          start.await();
          for (long seq = 1; seq <= PER_THREAD; seq++) {
            gather.accept(issue, seq);
            if (seq % 7 == 0) {
              recorder.flushIfDue(); // (a step ending on this thread)
            }
          }
          return null;
        }));
      }
      Future<?> writer = pool.submit(() -> {
        start.await();
        while (runs.stream().anyMatch(r -> !r.isDone())) {
          write.run();
        }
        return null;
      });
      for (Future<?> run : runs) {
        run.get();
      }
      writer.get();
    } finally {
      pool.shutdownNow();
    }
    recorder.close();
  }

  private static void assertEveryEntryOnceInItsIssuesOrder(KeptTrace store) {
    assertEquals(THREADS * PER_THREAD, store.kept.size(), "every entry written once");
    Map<String, Long> last = new HashMap<>();
    for (TraceEntry e : store.kept) {
      long before = last.getOrDefault(e.issueKey(), 0L);
      assertEquals(before + 1, e.sequenceId(), "entries of " + e.issueKey() + " in order");
      last.put(e.issueKey(), e.sequenceId());
    }
    assertTrue(last.values().stream().allMatch(n -> n == PER_THREAD), last.toString());
  }
}
