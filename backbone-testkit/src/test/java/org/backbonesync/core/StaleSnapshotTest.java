package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.InMemoryTransport;
import org.backbonesync.testkit.RecordingListener;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A poll never examines an issue's snapshot older than what the pair's links and last synced
 * values already hold: not an issue another node examined, or an apply wrote, after the search
 * read it (the look's search before the lease, whose page the leased poll starts from, or the
 * poll's own) and before the poll's claim. A comment looked deleted to the stale snapshot and the
 * partner's was deleted, or a value synced meanwhile was overwritten on one side only (found by
 * cold reviews).
 */
class StaleSnapshotTest {
  /** A search that brings each issue's comments along, as the Jira adapter's does. */
  static IssueTracker searchWithComments(InMemoryIssueTracker tracker,
      AtomicReference<Runnable> afterSearch, AtomicInteger searchesToSkip) {
    return TrackerProxies.searchPages(tracker, page -> {
      List<IssueChanges> withComments = new ArrayList<>();
      for (IssueChanges c : page.issues()) {
        withComments.add(new IssueChanges(c.issue(), c.changelog(),
            tracker.comments(c.issue().key()), null));
      }
      if (searchesToSkip.getAndDecrement() <= 0) {
        Runnable hook = afterSearch.getAndSet(null);
        if (hook != null) {
          hook.run();
        }
      }
      return new ChangePage(withComments, page.nextPageToken());
    });
  }

  /** The hook runs after the first search once {@code searchesToSkip} more have passed. */
  private static SyncTestDriver driver(AtomicReference<Runnable> afterSearch,
      AtomicInteger searchesToSkip) {
    return driver(afterSearch, searchesToSkip, null);
  }

  /** The same on these stores (null: the driver's own). */
  static SyncTestDriver driver(AtomicReference<Runnable> afterSearch,
      AtomicInteger searchesToSkip, Stores stores) {
    SyncTestDriver.Builder builder = SyncTestDriver.builder()
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", new ObjectMapper().createObjectNode().put("authorPrefix", "")))
        .trackers((key, t) -> key.equals("PA")
            ? searchWithComments(t, afterSearch, searchesToSkip) : t);
    return (stores == null ? builder : builder.stores(stores)).build();
  }

  /**
   * Alice edits PA-1; once the poll's search has read it (the look's, before the lease: the
   * leased poll starts from its page), and before the poll claims the pair, the driver's node
   * copies bob's new comment on PB-1 to PA-1 (at its own time).
   */
  private static void bobsCommentCopiedAfterTheSearch(SyncTestDriver sync,
      AtomicReference<Runnable> afterSearch, AtomicInteger searchesToSkip) {
    sync.advance(Duration.ofSeconds(5));
    sync.a("alice").edit("PA-1", "summary", "Printer on fire again");
    searchesToSkip.set(0);
    afterSearch.set(() -> {
      sync.advance(Duration.ofSeconds(1));
      sync.b("bob").addComment("PB-1", "Toner is low.");
      sync.poll(sync.keyB());
      sync.deliver(sync.keyB());
      sync.apply(sync.keyA()); // bob's comment copied to PA-1 and linked
      assertEquals(1, sync.a().comments("PA-1").size(), "copied meanwhile");
    });
  }

  /** Bob's comment stays on {@code onB}, its copy is on PA-1 once, and alice's edit went. */
  static void assertBobsCommentKept(SyncTestDriver sync, String onB) {
    assertEquals(List.of("Toner is low."),
        sync.b().comments(onB).stream().map(c -> c.body()).toList(),
        "bob's comment stays on " + onB);
    assertEquals(List.of("Toner is low."),
        sync.a().comments("PA-1").stream().map(c -> c.body()).toList(), "its copy, once");
    assertEquals("Printer on fire again", sync.b().value(onB, "summary").asText());
  }

  @Test
  void anotherNodesHintedDetectionBetweenTheLookAndTheLeaseDeletesNoComment() {
    AtomicReference<Runnable> afterSearch = new AtomicReference<>();
    SyncTestDriver sync = driver(afterSearch, new AtomicInteger());
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    SyncEngine node2 = SyncEngine.builder().configuration(sync.configuration())
        .tracker(sync.keyA(), sync.a()).tracker(sync.keyB(), sync.b())
        .transport(sync.keyA(), sync.transportAtoB()).transport(sync.keyB(), sync.transportBtoA())
        .stores(sync.stores()).clock(sync.clock()).node("node-2", Duration.ofMinutes(1)).build();
    sync.poll(sync.keyA()); // this node's last poll queued nothing: the next one looks first
    sync.advance(Duration.ofSeconds(5));
    sync.a("alice").edit("PA-1", "summary", "Printer on fire again");
    afterSearch.set(() -> { // after the look read PA-1, before this node takes the poll lease
      sync.advance(Duration.ofSeconds(1));
      sync.a("alice").addComment("PA-1", "It smokes.");
      node2.changeHints(sync.keyA()).issuesChanged(List.of("PA-1"));
      node2.detect(sync.keyA()); // sends the comment and links it; the watermark stays
    });

    sync.poll(sync.keyA());
    sync.deliver(sync.keyA());
    sync.apply(sync.keyB());

    assertNull(afterSearch.get(), "the other node detected between the look and the lease");
    assertEquals(List.of(), sync.b().calls("deleteComment"), "nobody deleted a comment");
    assertEquals(List.of("It smokes."),
        sync.b().comments("PB-1").stream().map(c -> c.body()).toList());
  }

  @Test
  void anApplyBetweenAPollsSearchAndItsClaimDeletesNoComment() {
    AtomicReference<Runnable> afterSearch = new AtomicReference<>();
    AtomicInteger searchesToSkip = new AtomicInteger();
    SyncTestDriver sync = driver(afterSearch, searchesToSkip);
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.poll(sync.keyA());
    bobsCommentCopiedAfterTheSearch(sync, afterSearch, searchesToSkip);

    sync.poll(sync.keyA());
    assertNull(afterSearch.get(), "the apply came between the search and the claim");
    sync.runUntilQuiet();

    assertBobsCommentKept(sync, "PB-1");
    assertEquals(List.of(), sync.events().events(RecordingListener.Type.EXPORT_FAILED),
        "left quietly: no failure, and no stamp counter behind (StampCounterBehindTest)");
  }

  /**
   * Alice's new comment sends the comments' mapping, which compares the page's comments with the
   * pair's links; bob's comment is copied to PA-1 after the look read its page and before the
   * leased poll starts from that page. The poll leaves PA-1 for the next one (its row was written
   * since the look's search), and the comments' flow would read the comments again anyway (the
   * page's lag behind the links, {@code CommentSync}).
   */
  @Test
  void anApplyBetweenTheLooksSearchAndTheLeaseDeletesNoComment() {
    AtomicReference<Runnable> afterSearch = new AtomicReference<>();
    SyncTestDriver sync = driver(afterSearch, new AtomicInteger());
    pairedAndQuiet(sync);
    sync.a("alice").addComment("PA-1", "It smokes.");
    afterSearch.set(() -> {
      sync.advance(Duration.ofSeconds(1));
      sync.b("bob").addComment("PB-1", "Toner is low.");
      sync.poll(sync.keyB());
      sync.deliver(sync.keyB());
      sync.apply(sync.keyA()); // bob's comment copied to PA-1 and linked
    });

    sync.poll(sync.keyA());
    assertNull(afterSearch.get(), "the apply came between the look and the lease");
    sync.runUntilQuiet();

    assertEquals(List.of(), sync.b().calls("deleteComment"), "nobody deleted a comment");
    assertEquals(List.of("Toner is low.", "It smokes."),
        sync.b().comments("PB-1").stream().map(c -> c.body()).toList());
    assertEquals(List.of("It smokes.", "Toner is low."),
        sync.a().comments("PA-1").stream().map(c -> c.body()).toList());
  }

  /**
   * Bob's crossing edit is applied to PA-1 after the look read alice's, and before the leased
   * poll starts from the look's page: the page is older than the pair's last synced value, so
   * PA-1 is left for the next poll. A stamp taken at the lease, after the apply, let the page
   * send alice's value over bob's on PB-1, while PA-1 kept bob's (the sides apart for good).
   */
  @Test
  void anApplyOfACrossingEditBetweenTheLooksSearchAndTheLeaseLeavesBothSidesAlike() {
    AtomicReference<Runnable> afterSearch = new AtomicReference<>();
    SyncTestDriver sync = driver(afterSearch, new AtomicInteger());
    pairedAndQuiet(sync);
    sync.a("alice").edit("PA-1", "summary", "alice's");
    afterSearch.set(() -> bobsEditApplied(sync));

    sync.poll(sync.keyA());
    assertNull(afterSearch.get(), "the apply came between the look and the lease");

    assertBobsEditOnBothOnceSettled(sync);
  }

  /**
   * The crossing edit above on a busy connector's poll (its last queued a message), which takes
   * the lease at once and searches under it: the apply comes between that search and the claim.
   * Fails with the stamp guard off (helper-126's review).
   */
  @Test
  void anApplyOfACrossingEditBetweenABusyPollsOwnSearchAndItsClaimLeavesBothSidesAlike() {
    AtomicReference<Runnable> afterSearch = new AtomicReference<>();
    AtomicInteger searchesToSkip = new AtomicInteger();
    SyncTestDriver sync = driver(afterSearch, searchesToSkip);
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofSeconds(5));
    sync.a("alice").edit("PA-1", "summary", "first");
    searchesToSkip.set(1000);
    sync.poll(sync.keyA()); // queues alice's edit: the next poll takes the lease at once
    sync.advance(Duration.ofSeconds(5));
    sync.a("alice").edit("PA-1", "summary", "alice's");
    searchesToSkip.set(0);
    afterSearch.set(() -> {
      sync.advance(Duration.ofSeconds(1));
      sync.deliver(sync.keyA()); // "first" reaches PB-1
      sync.apply(sync.keyB());
      bobsEditApplied(sync);
    });

    sync.poll(sync.keyA());
    assertNull(afterSearch.get(), "the apply came between the search and the claim");

    assertBobsEditOnBothOnceSettled(sync);
  }

  /** PA-1 paired with PB-1; A's last poll queued nothing (the next one looks first); 5 s on. */
  private static void pairedAndQuiet(SyncTestDriver sync) {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.poll(sync.keyA());
    sync.advance(Duration.ofSeconds(5));
  }

  /** A second on, bob edits PB-1's summary, and the driver's node applies it to PA-1. */
  private static void bobsEditApplied(SyncTestDriver sync) {
    sync.advance(Duration.ofSeconds(1));
    sync.b("bob").edit("PB-1", "summary", "bob's");
    sync.poll(sync.keyB());
    sync.deliver(sync.keyB());
    sync.apply(sync.keyA());
    assertEquals("bob's", sync.a().value("PA-1", "summary").asText(), "applied meanwhile");
  }

  /** Once every poll has seen the other's writes, both issues have bob's summary. */
  private static void assertBobsEditOnBothOnceSettled(SyncTestDriver sync) {
    sync.runUntilQuiet();
    sync.advance(Duration.ofSeconds(5));
    sync.runUntilQuiet();
    assertEquals(List.of("bob's", "bob's"), List.of(sync.a().value("PA-1", "summary").asText(),
        sync.b().value("PB-1", "summary").asText()));
  }

  /**
   * The poll runs on a node whose clock is ten seconds ahead of the applying node's: the guard
   * must not compare the nodes' clocks (the row's last incoming change, stamped by the apply's
   * node, then looks older than the poll's search).
   */
  @Test
  void anApplyOnANodeWhoseClockIsBehindThePollsDeletesNoComment() {
    AtomicReference<Runnable> afterSearch = new AtomicReference<>();
    AtomicInteger searchesToSkip = new AtomicInteger();
    SyncTestDriver sync = driver(new AtomicReference<>(), new AtomicInteger());
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    // the poll's node: PA searched with the hook, its messages to the driver's node
    InMemoryTransport aToB = new InMemoryTransport().connect(sync.engine().receiver(sync.keyB()));
    InMemoryTransport bToA = new InMemoryTransport().connect(sync.engine().receiver(sync.keyA()));
    SyncEngine ahead = SyncEngine.builder().configuration(sync.configuration())
        .tracker(sync.keyA(), searchWithComments(sync.a(), afterSearch, searchesToSkip))
        .tracker(sync.keyB(), sync.b())
        .transport(sync.keyA(), aToB).transport(sync.keyB(), bToA)
        .stores(sync.stores()).clock(Clock.offset(sync.clock(), Duration.ofSeconds(10)))
        .node("node-ahead", Duration.ofMinutes(1)).build();
    ahead.poll(sync.keyA());
    bobsCommentCopiedAfterTheSearch(sync, afterSearch, searchesToSkip);

    ahead.poll(sync.keyA());
    assertNull(afterSearch.get(), "the apply came between the search and the claim");
    ahead.deliver(sync.keyA());
    sync.runUntilQuiet();

    assertBobsCommentKept(sync, "PB-1");
  }
}
