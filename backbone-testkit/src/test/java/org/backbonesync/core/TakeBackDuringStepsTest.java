package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * An admin takes back a pair that ignored its partner while another step writes it: a poll (of
 * another node, or of this one before the take-back's turn) sends a newer value between the
 * take-back's read of the issue and its message. The take-back's whole goes after that message
 * and the partner drops the ones before it as sent to the old row, so a whole read before the
 * poll left the pair apart for good (found by {@code ThreadedStepsStressTest}: "A119" sent whole
 * after the poll's "A145").
 */
class TakeBackDuringStepsTest {
  private final AtomicReference<Runnable> afterIssueRead = new AtomicReference<>();
  private final SyncTestDriver sync =
      TrackerProxies.hooked("PA", "issue", afterIssueRead).build();

  /** PA-1 and PB-1 synced as "one", PA-1's row ignoring its partner. */
  private long ignoredPair() {
    sync.a("alice").create("one");
    sync.runUntilQuiet();
    long id = sync.syncInfoA().get(0).id();
    sync.engine().setIncomingChangesIgnored("PA", id, true);
    sync.advance(Duration.ofMinutes(1));
    return id;
  }

  /** Alice's edit, and a poll that sends it: what another node does meanwhile. */
  private Runnable editAndPoll(String field, String value) {
    return () -> {
      sync.advance(Duration.ofSeconds(1));
      sync.a("alice").edit("PA-1", field, value);
      sync.poll("PA");
    };
  }

  /**
   * The summary's change is older than the last change the polls saw (the description's), so no
   * poll after the take-back sends it again: only the take-back's whole could, and it must not
   * be the one read before.
   */
  @Test
  void pollsBetweenTheTakeBacksReadAndItsMessageLeaveBothSidesEqual() {
    long id = ignoredPair();
    afterIssueRead.set(() -> {
      editAndPoll("summary", "two").run();
      editAndPoll("description", "later").run();
    });

    SyncInfo row = sync.engine().setIncomingChangesIgnored("PA", id, false).orElseThrow();
    sync.runUntilQuiet();

    assertNull(afterIssueRead.get(), "the polls ran during the take-back");
    assertEquals("two", sync.b().value("PB-1", "summary").asText(), "the newer value");
    assertEquals("two", sync.a().value("PA-1", "summary").asText());
    assertEquals("later", sync.b().value("PB-1", "description").asText());
    assertEquals(false, row.incomingChangesIgnored());
  }

  @Test
  void aRowDeletedDuringTheTakeBackIsNoneNotAFailure() {
    long id = ignoredPair();
    afterIssueRead.set(() -> sync.engine().deleteSyncInformation("PA", id));

    assertTrue(sync.engine().setIncomingChangesIgnored("PA", id, false).isEmpty(),
        "no such row (the admin REST's 404)");
    sync.runUntilQuiet();
    assertEquals(sync.a().value("PA-1", "summary"), sync.b().value("PB-1", "summary"));
    assertEquals(1, sync.b().allIssues().size(), "nothing copied twice");
  }

  @Test
  void aPairWrittenOnEveryTryIsRefusedAndStaysIgnored() {
    long id = ignoredPair();
    AtomicInteger polls = new AtomicInteger();
    Runnable again = new Runnable() {
      @Override
      public void run() {
        editAndPoll("summary", "edit " + polls.incrementAndGet()).run();
        afterIssueRead.set(this);
      }
    };
    afterIssueRead.set(again);

    AdminException refused = assertThrows(AdminException.class,
        () -> sync.engine().setIncomingChangesIgnored("PA", id, false));

    assertEquals(409, refused.status());
    assertEquals("incomingChangesIgnored of sync information " + id + " was not cleared: the"
        + " row was written meanwhile on each of 5 tries; clear it again", refused.getMessage());
    assertEquals(5, polls.get(), "one read and one poll per try");
    assertTrue(sync.syncInfoA().get(0).incomingChangesIgnored(), "still ignoring");
    afterIssueRead.set(null);
    sync.engine().setIncomingChangesIgnored("PA", id, false);
    sync.runUntilQuiet();
    assertEquals("edit 5", sync.b().value("PB-1", "summary").asText());
    assertEquals("edit 5", sync.a().value("PA-1", "summary").asText());
  }
}
