package org.backbonesync.testkit.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.TraceEntry;
import org.backbonesync.spi.store.TraceEntry.Direction;
import org.backbonesync.spi.store.TraceEntry.Outcome;
import org.backbonesync.spi.store.TraceStore;
import org.junit.jupiter.api.Test;

/** What every {@link TraceStore} must do. Extend it and implement {@link #newStores()}. */
public abstract class TraceStoreCompatibilityKit extends StoresKit<TraceStore> {

  @Override
  final TraceStore storeOf(Stores fresh) {
    return fresh.trace();
  }

  private static TraceEntry entry(String connector, Direction direction, String issue,
      long sequence, Outcome outcome) {
    return new TraceEntry(0, connector, direction, issue, "m-" + issue + "-" + sequence,
        sequence, "CHANGE", outcome, outcome == Outcome.FAILED ? "the priority is invalid" : null,
        1000 + sequence);
  }

  private static List<Long> sequences(List<TraceEntry> entries) {
    return entries.stream().map(TraceEntry::sequenceId).toList();
  }

  @Test
  void entriesComeBackOldestFirstWithEveryFieldAndAnId() {
    store.add(List.of(entry("PA", Direction.OUT, "PA-1", 1, Outcome.QUEUED),
        entry("PA", Direction.OUT, "PA-1", 1, Outcome.SENT),
        entry("PB", Direction.IN, "PA-1", 1, Outcome.FAILED)), 20);

    List<TraceEntry> out = store.list("PA", Direction.OUT, "PA-1", 20);
    assertEquals(List.of(Outcome.QUEUED, Outcome.SENT),
        out.stream().map(TraceEntry::outcome).toList());
    assertTrue(out.get(0).id() > 0 && out.get(1).id() > out.get(0).id(), out.toString());
    TraceEntry failed = store.list("PB", Direction.IN, "PA-1", 20).get(0);
    assertEquals(new TraceEntry(failed.id(), "PB", Direction.IN, "PA-1", "m-PA-1-1", 1, "CHANGE",
        Outcome.FAILED, "the priority is invalid", 1001), failed);
  }

  @Test
  void theNewestAreKeptPerConnectorDirectionAndIssue() {
    for (int batch = 0; batch < 3; batch++) {
      List<TraceEntry> entries = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        entries.add(entry("PA", Direction.OUT, "PA-1", batch * 4L + i, Outcome.QUEUED));
      }
      entries.add(entry("PA", Direction.IN, "PB-1", batch + 1, Outcome.APPLIED));
      store.add(entries, 5);
    }

    assertEquals(List.of(8L, 9L, 10L, 11L, 12L),
        sequences(store.list("PA", Direction.OUT, "PA-1", 5)));
    assertEquals(List.of(1L, 2L, 3L), sequences(store.list("PA", Direction.IN, "PB-1", 5)));
    assertEquals(List.of(11L, 12L), sequences(store.list("PA", Direction.OUT, "PA-1", 2)));
  }

  @Test
  void anIssueNeverHoldsMoreThanTwiceWhatIsKept() {
    for (long sequence = 1; sequence <= 40; sequence++) {
      store.add(List.of(entry("PA", Direction.OUT, "PA-1", sequence, Outcome.QUEUED)), 5);

      List<Long> held = sequences(store.list("PA", Direction.OUT, "PA-1", 1000));
      assertTrue(held.size() <= 10, "after " + sequence + " adds: " + held);
      assertEquals(LongStream.rangeClosed(Math.max(1, sequence - 4), sequence)
          .boxed().toList(), sequences(store.list("PA", Direction.OUT, "PA-1", 5)));
    }
  }

  @Test
  void connectorsDirectionsAndIssuesAreApart() {
    store.add(List.of(entry("PA", Direction.OUT, "X-1", 1, Outcome.QUEUED),
        entry("PA", Direction.IN, "X-1", 2, Outcome.APPLIED),
        entry("PB", Direction.OUT, "X-1", 3, Outcome.QUEUED),
        entry("PA", Direction.OUT, "X-10", 4, Outcome.QUEUED)), 20);

    assertEquals(List.of(1L), sequences(store.list("PA", Direction.OUT, "X-1", 20)));
    assertEquals(List.of(2L), sequences(store.list("PA", Direction.IN, "X-1", 20)));
    assertEquals(List.of(3L), sequences(store.list("PB", Direction.OUT, "X-1", 20)));
    assertEquals(List.of(), store.list("PC", Direction.OUT, "X-1", 20));
  }

  @Test
  void aWriteIsATransactionOfItsOwnThatTheCallersRollbackKeeps() {
    RuntimeException failed = new IllegalStateException("the step failed");
    try {
      stores.inTransaction(() -> {
        store.add(List.of(entry("PA", Direction.OUT, "PA-1", 1, Outcome.QUEUED)), 20);
        throw failed;
      });
    } catch (IllegalStateException e) {
      assertEquals(failed, e);
    }

    assertEquals(List.of(1L), sequences(store.list("PA", Direction.OUT, "PA-1", 20)));
  }

  @Test
  void nothingIsKeptWhenNoneIsAskedFor() {
    store.add(List.of(entry("PA", Direction.OUT, "PA-1", 1, Outcome.QUEUED)), 0);

    assertEquals(List.of(), store.list("PA", Direction.OUT, "PA-1", 20));
  }

  @Test
  void theLongestDetailIsHeldAndALongerOneCut() {
    String longest = "d".repeat(TraceStore.MAX_DETAIL_LENGTH);
    TraceEntry e = new TraceEntry(0, "PA", Direction.IN, "PB-1", "m", 1, "CHANGE",
        Outcome.FAILED, longest + "more", 1);
    assertEquals(TraceStore.MAX_DETAIL_LENGTH, e.detail().length());
    store.add(List.of(e, new TraceEntry(0, "PA", Direction.IN, "PB-1", "n", 2, "CHANGE",
        Outcome.IGNORED, longest, 2)), 20);

    List<TraceEntry> kept = store.list("PA", Direction.IN, "PB-1", 20);
    assertEquals(e.detail(), kept.get(0).detail());
    assertEquals(longest, kept.get(1).detail());
  }
}
