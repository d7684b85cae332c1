package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Rows the poll's claim does not hold are guarded too (found by a cold review, there before the
 * store stamps). The partner's project was renamed (PB-1 is PX-1): the poll reads A's row (remote
 * key PB-1) and claims pair "PB-1"; the partner's first message after the rename is applied under
 * pair "PX-1" (another claim key), moves the row's remote key to PX-1 and copies bob's comment to
 * PA-1. And a row without a remote key is claimed by nobody: the partner's PAIRED message gives it
 * one and copies bob's comment. Either way the stale snapshot was examined and bob's comment
 * deleted; the poll now leaves any row written since its search for the next poll.
 */
class StaleSnapshotRekeyTest {

  /**
   * A's row has no remote key yet (the partner's PAIRED not applied), so the poll claims nothing
   * and reads nothing again; the apply of PAIRED and bob's comment comes between the claim's read
   * and the examination, which compares the stale snapshot with the links written since.
   */
  @Test
  void anApplyThatGivesTheRowItsRemoteKeyAfterTheClaimsReadDeletesNoComment() {
    AtomicReference<Runnable> afterSearch = new AtomicReference<>();
    AtomicInteger searchesToSkip = new AtomicInteger();
    AtomicReference<Runnable> afterRead = new AtomicReference<>();
    SyncTestDriver sync = StaleSnapshotTest.driver(afterSearch, searchesToSkip,
        SyncInfoHooks.after(new InMemoryStores(), "findByLocalKeys", afterRead));
    sync.a("alice").create("Printer on fire");
    sync.poll(sync.keyA()); // A's row: PA-1, no remote key yet
    sync.deliver(sync.keyA());
    sync.apply(sync.keyB()); // PB-1 made, PAIRED queued
    sync.advance(Duration.ofSeconds(1));
    sync.b("bob").addComment("PB-1", "Toner is low.");
    sync.poll(sync.keyB()); // bob's comment queued after the PAIRED
    sync.deliver(sync.keyB());
    assertNull(sync.syncInfoA().get(0).remoteIssueKey(), "nothing applied on A yet");
    sync.advance(Duration.ofSeconds(5));
    sync.a("alice").edit("PA-1", "summary", "Printer on fire again");
    searchesToSkip.set(0);
    afterSearch.set(() -> afterRead.set(() -> { // after the claim's read of A's rows
      sync.apply(sync.keyA()); // the PAIRED, then bob's comment copied and linked
      assertEquals(1, sync.a().comments("PA-1").size(), "copied meanwhile");
    }));

    sync.poll(sync.keyA());
    sync.runUntilQuiet();

    assertNull(afterRead.get(), "the apply came between the claim's read and the examination");
    StaleSnapshotTest.assertBobsCommentKept(sync, "PB-1");
  }

  @Test
  void anApplyThatMovesTheRowsRemoteKeyBetweenTheClaimAndTheReadAgainDeletesNoComment() {
    AtomicReference<Runnable> afterSearch = new AtomicReference<>();
    AtomicInteger searchesToSkip = new AtomicInteger();
    AtomicReference<Runnable> beforeRead = new AtomicReference<>();
    AtomicInteger readsToSkip = new AtomicInteger();
    SyncTestDriver sync = StaleSnapshotTest.driver(afterSearch, searchesToSkip,
        SyncInfoHooks.before(new InMemoryStores(), "findByLocalKeys", readsToSkip,
            beforeRead));
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.b().renameProject("PX"); // PB-1 is PX-1 now; A's row still names PB-1
    sync.poll(sync.keyA());
    sync.advance(Duration.ofSeconds(5));
    sync.a("alice").edit("PA-1", "summary", "Printer on fire again");
    searchesToSkip.set(0); // the look's, before the lease: the leased poll starts from its page
    afterSearch.set(() -> { // after the search read PA-1: the claim reads, then this
      readsToSkip.set(1); // the claim's read of PA's rows; then the read again
      beforeRead.set(() -> { // the poll holds pair "PB-1" now
        sync.advance(Duration.ofSeconds(1));
        sync.b("bob").addComment("PX-1", "Toner is low.");
        sync.poll(sync.keyB()); // re-keys B's row (and, written after its search, leaves it)
        sync.poll(sync.keyB()); // sends bob's comment from PX-1
        sync.deliver(sync.keyB());
        sync.apply(sync.keyA()); // claims "PX-1": follows the key, copies bob's comment
        assertEquals(1, sync.a().comments("PA-1").size(), "copied meanwhile");
        assertEquals("PX-1", sync.syncInfoA().get(0).remoteIssueKey(), "row followed");
      });
    });

    sync.poll(sync.keyA());
    assertNull(afterSearch.get(), "searched");
    assertNull(beforeRead.get(), "the apply came between the claim and the read again");
    sync.runUntilQuiet();

    StaleSnapshotTest.assertBobsCommentKept(sync, "PX-1");
  }

  /**
   * As above, but the apply commits after the poll's read again (its stamp check passed): only
   * the check under the row's lock at the page's commit sees it.
   */
  @Test
  void anApplyThatGivesTheRowItsRemoteKeyAfterTheReadAgainDeletesNoComment() {
    AtomicReference<Runnable> afterSearch = new AtomicReference<>();
    AtomicInteger searchesToSkip = new AtomicInteger();
    AtomicInteger readsToSkip = new AtomicInteger();
    AtomicReference<Runnable> afterRead = new AtomicReference<>();
    SyncTestDriver sync = StaleSnapshotTest.driver(afterSearch, searchesToSkip,
        SyncInfoHooks.after(new InMemoryStores(), "findByLocalKeys", readsToSkip, afterRead));
    sync.a("alice").create("Printer on fire");
    sync.poll(sync.keyA()); // A's row: PA-1, no remote key yet
    sync.deliver(sync.keyA());
    sync.apply(sync.keyB()); // PB-1 made, PAIRED queued
    sync.advance(Duration.ofSeconds(1));
    sync.b("bob").addComment("PB-1", "Toner is low.");
    sync.poll(sync.keyB()); // bob's comment queued after the PAIRED
    sync.deliver(sync.keyB());
    sync.advance(Duration.ofSeconds(5));
    sync.a("alice").edit("PA-1", "summary", "Printer on fire again");
    searchesToSkip.set(0);
    afterSearch.set(() -> {
      readsToSkip.set(1); // the claim's read; after the read again, this
      afterRead.set(() -> {
        sync.apply(sync.keyA()); // the PAIRED, then bob's comment copied and linked
        assertEquals(1, sync.a().comments("PA-1").size(), "copied meanwhile");
      });
    });

    sync.poll(sync.keyA());
    assertNull(afterRead.get(), "the apply came after the read again");
    sync.runUntilQuiet();

    StaleSnapshotTest.assertBobsCommentKept(sync, "PB-1");
  }

  /** The renamed partner's apply, after the poll's read again. */
  @Test
  void anApplyThatMovesTheRowsRemoteKeyAfterTheReadAgainDeletesNoComment() {
    AtomicReference<Runnable> afterSearch = new AtomicReference<>();
    AtomicInteger searchesToSkip = new AtomicInteger();
    AtomicReference<Runnable> afterRead = new AtomicReference<>();
    AtomicInteger readsToSkip = new AtomicInteger();
    SyncTestDriver sync = StaleSnapshotTest.driver(afterSearch, searchesToSkip,
        SyncInfoHooks.after(new InMemoryStores(), "findByLocalKeys", readsToSkip, afterRead));
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.b().renameProject("PX"); // PB-1 is PX-1 now; A's row still names PB-1
    sync.poll(sync.keyA());
    sync.advance(Duration.ofSeconds(5));
    sync.a("alice").edit("PA-1", "summary", "Printer on fire again");
    searchesToSkip.set(0); // the look's, before the lease: the leased poll starts from its page
    afterSearch.set(() -> {
      readsToSkip.set(1); // the claim's read; after the read again, this
      afterRead.set(() -> {
        sync.advance(Duration.ofSeconds(1));
        sync.b("bob").addComment("PX-1", "Toner is low.");
        sync.poll(sync.keyB()); // re-keys B's row (and, written after its search, leaves it)
        sync.poll(sync.keyB()); // sends bob's comment from PX-1
        sync.deliver(sync.keyB());
        sync.apply(sync.keyA()); // claims "PX-1": follows the key, copies bob's comment
        assertEquals(1, sync.a().comments("PA-1").size(), "copied meanwhile");
        assertEquals("PX-1", sync.syncInfoA().get(0).remoteIssueKey(), "row followed");
      });
    });

    sync.poll(sync.keyA());
    assertNull(afterRead.get(), "the apply came after the read again");
    sync.runUntilQuiet();

    StaleSnapshotTest.assertBobsCommentKept(sync, "PX-1");
  }
}
