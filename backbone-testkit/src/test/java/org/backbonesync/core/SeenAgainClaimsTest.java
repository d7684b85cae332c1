package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.testkit.RecordingListener;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A poll reads each issue's changelog from its pair's last change seen on, that millisecond
 * included, so the poll after one that sent a change sees it again. Such an issue, with every
 * value the partner's already, has nothing to examine: its pair is not claimed (a lease row
 * written and deleted on a database for nothing). An apply that changes the pair meanwhile is
 * not missed for it, and a failure to judge the issue fails that issue alone.
 */
class SeenAgainClaimsTest {
  private final RecordedLeases leases = new RecordedLeases();
  private final AtomicReference<Runnable> afterRowsRead = new AtomicReference<>();
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .stores(leases.wrap(SyncInfoHooks.after(new InMemoryStores(), "findByLocalKeys",
          afterRowsRead)))
      .build();

  /** The pairs claimed in connector PA since the last clear. */
  private List<String> pairsClaimed() {
    return leases.keys("inbox:PA");
  }

  /** PA-1 and PA-2 synced; then alice changes a field of PA-1, and A's poll sends it. */
  private static void aChangeSent(SyncTestDriver sync, String field, String value) {
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Scanner jams");
    sync.runUntilQuiet();
    sync.advance(Duration.ofSeconds(30));
    sync.a("alice").edit("PA-1", field, value);
    assertEquals(1, sync.poll("PA").messagesQueued());
  }

  private void aChangeSent() {
    aChangeSent(sync, "summary", "Printer on fire, third floor");
  }

  @Test
  void aPollSeeingAgainTheChangeItSentClaimsNoPair() {
    aChangeSent();
    sync.advance(Duration.ofSeconds(5));
    sync.a("alice").edit("PA-2", "summary", "Scanner jams on A4");
    leases.clear();

    assertEquals(1, sync.poll("PA").messagesQueued(), "PA-2's change");

    assertEquals(List.of("PB-2"), pairsClaimed(), "PA-1 is seen again, not claimed");
    sync.runUntilQuiet();
    assertEquals("Printer on fire, third floor", sync.b().value("PB-1", "summary").asText());
    assertEquals("Scanner jams on A4", sync.b().value("PB-2", "summary").asText());
  }

  @Test
  void aPollSeeingAgainAChangeWhoseValueTheSyncUserReplacedClaimsItsPair() {
    aChangeSent();
    sync.runUntilQuiet();
    sync.advance(Duration.ofSeconds(5));
    sync.b("bob").edit("PB-1", "summary", "Printer fixed");
    sync.poll("PB");
    sync.deliver("PB");
    // B's change arrives between A's poll reading PA-1's row and judging it: its last synced
    // value is B's now, the issue the search read still alice's
    afterRowsRead.set(() -> {
      assertEquals(1, sync.apply("PA").size());
      leases.clear(); // (the apply's claim)
    });

    assertEquals(0, sync.poll("PA").messagesQueued(), "alice's value is not sent again");

    assertEquals(List.of("PB-1"), pairsClaimed(), "the snapshot differs from the synced value");
    sync.runUntilQuiet();
    assertEquals("Printer fixed", sync.a().value("PA-1", "summary").asText());
    assertEquals("Printer fixed", sync.b().value("PB-1", "summary").asText());
    sync.a("alice").edit("PA-1", "summary", "Printer on fire again");
    sync.runUntilQuiet();
    assertEquals("Printer on fire again", sync.b().value("PB-1", "summary").asText());
  }

  @Test
  void aMappingFailingForAnIssueSeenAgainFailsThatIssueAloneNotThePoll() {
    AtomicReference<String> failFor = new AtomicReference<>();
    RecordingListener heard = new RecordingListener();
    SyncTestDriver failing = SyncTestDriver.builder()
        .provider(HookedMapping.beforeExport("test.failing", issue -> {
          if (issue.key().equals(failFor.get())) {
            throw new IllegalStateException("the mapping broke on " + issue.key());
          }
        }))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-desc", "test.failing", Direction.A_TO_B,
            "description", "description", null))
        .listener(heard)
        .build();
    aChangeSent(failing, "description", "Third floor");
    failing.advance(Duration.ofSeconds(5));
    failing.a("alice").edit("PA-2", "description", "A4 only");
    failFor.set("PA-1"); // PA-1 is seen again; judging it now throws

    assertEquals(1, failing.poll("PA").messagesQueued(), "PA-2's change goes on");

    assertEquals(List.of("PA-1"), heard.events().stream()
        .filter(e -> e.type() == RecordingListener.Type.EXPORT_FAILED)
        .map(e -> e.detail().substring(0, e.detail().indexOf(':'))).distinct().toList());
    failFor.set(null);
    failing.runUntilQuiet();
    assertEquals("A4 only", failing.b().value("PB-2", "description").asText());
    assertEquals("Third floor", failing.b().value("PB-1", "description").asText());
  }
}
