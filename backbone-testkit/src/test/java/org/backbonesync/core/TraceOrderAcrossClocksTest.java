package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.store.TraceEntry;
import org.backbonesync.spi.store.TraceEntry.Direction;
import org.backbonesync.spi.store.TraceEntry.Outcome;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A trace shows each of the pair's lists in the order the store keeps it (the order of the
 * events), whatever the times the entries carry: two nodes' clocks differ, and a clock may be
 * set back.
 */
class TraceOrderAcrossClocksTest {
  private final ManualClock clock = ManualClock.startingAt2026();
  /** The engine's clock: the test's, this much ahead (node A's, fast; then node B's, on time). */
  private Duration ahead = Duration.ofSeconds(5);
  private final SyncTestDriver sync = SyncTestDriver.builder().clock(clock)
      .engine(b -> b.clock(clock.ahead(() -> ahead.toMillis()))).build();

  @Test
  void aNodeWithAClockBehindTheLastOnesStillShowsItsChangeLast() {
    sync.a("alice").create("Printer on fire");
    sync.engine().runOnce(); // (node A, its clock 5 s fast)

    sync.restart(); // (node B takes over, its clock right)
    ahead = Duration.ZERO;
    sync.advance(Duration.ofSeconds(2));
    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.engine().runOnce();

    List<Long> sent = sync.engine().trace("PA", "PA-1").history().stream()
        .filter(e -> e.direction() == Direction.OUT && e.outcome() == Outcome.SENT)
        .map(TraceEntry::sequenceId).toList();
    assertEquals(List.of(1L, 2L), sent, "the edit was sent after the create");
  }
}
