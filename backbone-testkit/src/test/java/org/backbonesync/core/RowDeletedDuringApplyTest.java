package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * An admin deletes a pair's sync information while an apply of a message to it runs (between
 * the apply's read of the row and its write): the message is not parked for an admin, it is tried
 * again and finds the pair as the delete left it (found by running the service: a resync's
 * messages in flight while the rows were deleted waited for an admin, blocking that pair).
 */
class RowDeletedDuringApplyTest {

  /** PA-1 and PB-1 paired; bob's edit of PB-1 waits in A's inbox; A's row goes now or later. */
  private static SyncTestDriver bobsEditOnTheWay(AtomicReference<Runnable> afterRead) {
    SyncTestDriver sync = SyncTestDriver.builder()
        .stores(SyncInfoHooks.after(new InMemoryStores(), "findByRemoteKey", afterRead)).build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.b("bob").edit("PB-1", "summary", "Printer on fire, toner low");
    sync.poll(sync.keyB());
    sync.deliver(sync.keyB());
    return sync;
  }

  @Test
  void aRowDeletedWhileItsMessageIsAppliedIsNotParkedForAnAdmin() {
    AtomicReference<Runnable> afterRead = new AtomicReference<>();
    SyncTestDriver sync = bobsEditOnTheWay(afterRead);
    afterRead.set(() -> sync.engine().deleteAllSyncInformation(sync.keyA()));

    sync.apply(sync.keyA());
    assertNull(afterRead.get(), "deleted between the apply's read and its write");
    assertEquals(List.of(), sync.engine().failedMessages(sync.keyA()),
        "nothing waits for an admin");
    sync.runUntilQuiet();

    // as after a delete before the apply: paired again, once, and both sides agree (which
    // summary wins depends on when the delete came: the pair's bookkeeping went with it)
    assertEquals(List.of(), sync.engine().failedMessages(sync.keyA()));
    assertEquals(1, sync.a().allIssues().size(), "no second PA issue");
    assertEquals(1, sync.b().allIssues().size(), "no second PB issue");
    assertEquals("PB-1", sync.syncInfoA().get(0).remoteIssueKey());
    assertEquals(1, sync.syncInfoA().size());
    assertEquals(sync.b().value("PB-1", "summary"), sync.a().value("PA-1", "summary"));
  }
}
