package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.backbonesync.spi.store.TraceEntry;
import org.backbonesync.spi.store.TraceEntry.Direction;
import org.backbonesync.spi.store.TraceEntry.Outcome;
import org.backbonesync.spi.store.TraceStore;
import org.junit.jupiter.api.Test;

/** The JDBC trace trims an issue when more than {@code keep} entries came since, not on every add. */
class JdbcTraceStoreTest {
  private final TraceStore store = H2StoresTest.fresh().trace();

  private static TraceEntry entry(String issue, long sequence) {
    return new TraceEntry(0, "PA", Direction.OUT, issue, "m-" + sequence, sequence, "CHANGE",
        Outcome.SENT, null, sequence);
  }

  private int held(String issue) {
    return store.list("PA", Direction.OUT, issue, 1000).size();
  }

  @Test
  void anIssueIsTrimmedOnItsFirstAddAndThenWhenMoreThanKeepCameSince() {
    List<Integer> sizes = new ArrayList<>();
    for (long sequence = 1; sequence <= 13; sequence++) {
      store.add(List.of(entry("PA-1", sequence)), 5);
      sizes.add(held("PA-1"));
    }

    assertEquals(List.of(1, 2, 3, 4, 5, 6, 5, 6, 7, 8, 9, 10, 5), sizes);
    assertEquals(List.of(9L, 10L, 11L, 12L, 13L), store.list("PA", Direction.OUT, "PA-1", 5)
        .stream().map(TraceEntry::sequenceId).toList());
  }

  @Test
  void aFailedAddForgetsItsIssuesCountsSoThatTheNextAddTrimsThem() {
    for (long sequence = 1; sequence <= 6; sequence++) {
      store.add(List.of(entry("PA-1", sequence)), 5);
    }
    assertEquals(6, held("PA-1"));

    // the issue is due a trim with this add, which fails (a key longer than the column)
    assertThrows(RuntimeException.class, () -> store.add(List.of(entry("PA-1", 7),
        entry("K".repeat(300), 7)), 5));
    assertEquals(6, held("PA-1"));

    store.add(List.of(entry("PA-1", 8)), 5);
    assertEquals(5, held("PA-1"));
  }
}
