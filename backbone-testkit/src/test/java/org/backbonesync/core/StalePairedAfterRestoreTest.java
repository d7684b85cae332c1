package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.testkit.InMemoryTransport;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The PAIRED of a row removed when A's restored site gave its issue's key to another copy
 * ({@code ReusedKeys}) reaches its partner's row after that row was paired with a copy made since
 * for its issue: PA-2's first PAIRED, lost on the way, names PB-2, which PA-3 (PB-2's create sent
 * again) has paired with by then. It comes from a row of A older than the one PB-2's row talks
 * with, and is dropped as stale, with a warning; failed ("PA says PA-2 is the partner of PB-2,
 * but that issue is paired with PA-3"), it held PA-2's new PAIRED for PB-3 back behind it for
 * good (simulation seed 614 with site restores, worklogs, link removals, webhooks and store
 * faults, the sides swapped).
 */
class StalePairedAfterRestoreTest {
  private final SyncTestDriver sync = SyncTestDriver.builder().build();

  @Test
  void aLostCopysPairedReachingAPairMadeSinceIsDroppedNotFailed() {
    ReusedKeyStory.copyMadeAgainUnderANewKey(sync,
        s -> s.transportAtoB().inject(InMemoryTransport.Fault.DROP, 1), s -> { });
    sync.transportAtoB().inject(InMemoryTransport.Fault.DROP, 2); // (both PAIREDs of PA-2)
    sync.deliver("PA");
    sync.apply("PB"); // PA-3's PAIRED: PB-2 is paired with PA-3
    sync.advance(Duration.ofMinutes(10));
    sync.deliver("PA"); // the lost PA-2's PAIRED for PB-2, then the new one's for PB-3
    List<InboxEntry> failed = new ArrayList<>();
    String log = Stderr.of(() -> failed.addAll(sync.runUntilQuietExpectingFailures()));

    assertEquals(List.of(), failed, "nothing waits for an operator");
    assertTrue(log.lines().anyMatch(l -> l.contains("WARN") && l.contains("of \"PA-2\" is not"
        + " applied: it comes from a row of PA older than the one our row of PB-2 talks with;"
        + " PB-2 is paired with PA-3 now")), "an operator sees the drop: " + log);
    assertEquals("PA-3", ReusedKeyStory.row(sync.syncInfoB(), "PB-2").remoteIssueKey());
    assertEquals("PA-2", ReusedKeyStory.row(sync.syncInfoB(), "PB-3").remoteIssueKey());
    sync.b("bob").edit("PB-3", "summary", "Order more toner, today");
    sync.b("bob").edit("PB-2", "summary", "Scanner jams again");
    sync.runUntilQuiet();
    assertEquals("Order more toner, today", sync.a().value("PA-2", "summary").asText());
    assertEquals("Scanner jams again", sync.a().value("PA-3", "summary").asText());
  }
}
