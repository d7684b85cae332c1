package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A search paged by offset (Jira Server's {@code startAt}, the test kit's tracker) shifts when an
 * issue read on an earlier page is updated while the poll pages on: it moves to the end of the
 * order, every later issue one place back, and the issue at the next page's boundary is on no
 * page read. Found with the service on PostgreSQL between two fake Jira sites: after a
 * database outage, the first poll read several pages while applies wrote issues of the same
 * project, and an edit and two new issues were never sent (the watermark went past them).
 * An issue that comes again later in the same search tells of such a shift; the watermark then
 * stays before the boundaries that may have been crossed, so the next poll reads them again.
 */
class ShiftedPagesTest {

  @Test
  void anIssueAtAPageBoundaryIsSentWhenAnEarlierPageShiftedMeanwhile() {
    AtomicBoolean shifted = new AtomicBoolean();
    SyncTestDriver sync = SyncTestDriver.builder()
        .engine(e -> e.pollPageSize(2).changeDetectionOverlap(Duration.ofMinutes(1)))
        .trackers((key, tracker) -> key.equals("PA") ? shiftingOnPageTwo(tracker, shifted)
            : tracker)
        .build();
    for (int i = 1; i <= 5; i++) {
      sync.a("alice").create("Printer " + i);
    }
    sync.runUntilQuiet();
    for (int i = 1; i <= 5; i++) { // a minute apart: PA-1 first in the order, PA-5 last
      sync.advance(Duration.ofMinutes(1));
      sync.a("alice").edit("PA-" + i, "summary", "Printer " + i + ", edited");
    }
    shifted.set(true); // the poll's second page: PA-1 edited again (as an apply would), first

    sync.poll("PA");
    for (int i = 0; i < 6; i++) {
      sync.advance(Duration.ofSeconds(30));
      sync.runUntilQuiet();
    }

    for (int i = 2; i <= 5; i++) {
      assertEquals("Printer " + i + ", edited", sync.b().value("PB-" + i, "summary").asText(),
          "PB-" + i);
    }
    assertEquals("Printer 1, edited again", sync.b().value("PB-1", "summary").asText());
  }

  /**
   * The tracker; when {@code armed}, its search's second page (asked from {@code startAt} 2)
   * first sees PA-1 edited again, once.
   */
  private static IssueTracker shiftingOnPageTwo(InMemoryIssueTracker tracker,
      AtomicBoolean armed) {
    return TrackerProxies.answering(tracker, (method, args, own) -> {
      if (method.equals("findUpdatedSince") && "2".equals(args[3])
          && armed.compareAndSet(true, false)) {
        tracker.as("carol").edit("PA-1", "summary", "Printer 1, edited again");
      }
      return own.call();
    });
  }
}
