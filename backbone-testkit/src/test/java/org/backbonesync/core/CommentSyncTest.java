package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualExecutor;
import org.backbonesync.testkit.SimulatedCrash;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;

/** Comments, their edits and deletions reach the partner issue, each exactly once. */
class CommentSyncTest {
  private final ManualExecutor tasks = new ManualExecutor();
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .projectA(p -> p.user("alice", "Alice Archer", "alice@example.com"))
      .projectB(p -> p.user("bob", "Bob Baker", "bob@example.com"))
      .engine(e -> e.taskExecutor(tasks))
      .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
      .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
          "comment", null))
      .build();

  private static List<String> bodies(InMemoryIssueTracker tracker, String key) {
    return tracker.comments(key).stream().map(Comment::body).toList();
  }

  private String syncedIssue() {
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    return pa1;
  }

  @Test
  void aCommentReachesThePartnerOnceWithItsAuthorAsText() {
    String pa1 = syncedIssue();

    sync.a("alice").addComment(pa1, "Have you tried turning it off?");
    sync.runUntilQuiet();
    sync.runUntilQuiet();

    assertEquals(List.of("Alice Archer wrote:\nHave you tried turning it off?"),
        bodies(sync.b(), "PB-1"));
    assertEquals("sync-b", sync.b().comments("PB-1").get(0).author());
    assertEquals(List.of("Have you tried turning it off?"), bodies(sync.a(), pa1), "no echo");
  }

  @Test
  void commentsOfANewIssueComeWithItsCreate() {
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").addComment(pa1, "first");
    sync.a("alice").addComment(pa1, "second");

    sync.runUntilQuiet();

    assertEquals(List.of("Alice Archer wrote:\nfirst", "Alice Archer wrote:\nsecond"),
        bodies(sync.b(), "PB-1"));
  }

  @Test
  void editsAndDeletionsPropagateBothWays() {
    String pa1 = syncedIssue();
    String mine = sync.a("alice").addComment(pa1, "It smokes.");
    sync.b("bob").addComment("PB-1", "On my way.");
    sync.runUntilQuiet();
    assertEquals(List.of("It smokes.", "Bob Baker wrote:\nOn my way."), bodies(sync.a(), pa1));

    sync.a("alice").editComment(pa1, mine, "It smokes a lot.");
    String copyOfBobs = sync.a().comments(pa1).get(1).id();
    sync.runUntilQuiet();
    assertEquals(List.of("On my way.", "Alice Archer wrote:\nIt smokes a lot."),
        bodies(sync.b(), "PB-1"));

    // Bob corrects the copy of Alice's comment: the original in PA changes, without a prefix.
    String copyOfAlices = sync.b().comments("PB-1").get(1).id();
    sync.b("bob").editComment("PB-1", copyOfAlices, "Alice Archer wrote:\nIt smokes a lot!");
    sync.runUntilQuiet();
    assertEquals("It smokes a lot!", sync.a().comments(pa1).get(0).body());

    sync.a("alice").deleteComment(pa1, copyOfBobs);
    sync.runUntilQuiet();
    assertEquals(List.of("Alice Archer wrote:\nIt smokes a lot!"), bodies(sync.b(), "PB-1"));
    assertEquals(List.of("It smokes a lot!"), bodies(sync.a(), pa1));
  }

  @Test
  void restrictedCommentsStayUnlessKeptWithTheirVisibility() {
    String pa1 = syncedIssue();
    sync.a("alice").addComment(pa1, "internal note", "role:Developers");
    String shared = sync.a("alice").addComment(pa1, "for everyone");
    sync.runUntilQuiet();
    assertEquals(List.of("Alice Archer wrote:\nfor everyone"), bodies(sync.b(), "PB-1"));

    sync.a("alice").deleteComment(pa1, shared);
    sync.a("alice").addComment(pa1, "now internal too", "group:staff");
    sync.runUntilQuiet();
    assertEquals(List.of(), bodies(sync.b(), "PB-1"));

    SyncTestDriver keeping = SyncTestDriver.builder()
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("restricted", "keep").put("authorPrefix", "")))
        .build();
    String key = keeping.a("alice").create("x");
    keeping.a("alice").addComment(key, "internal note", "role:Developers");
    keeping.runUntilQuiet();
    Comment copy = keeping.b().comments("PB-1").get(0);
    assertEquals("internal note", copy.body());
    assertEquals("role:Developers", copy.visibility());
  }

  @Test
  void aResyncNeverCopiesACommentTwice() {
    String pa1 = syncedIssue();
    sync.a("alice").addComment(pa1, "once");
    sync.runUntilQuiet();

    sync.engine().resync("PA", ResyncRequest.all(), "admin");
    tasks.runAll();
    sync.runUntilQuiet();

    assertEquals(List.of("Alice Archer wrote:\nonce"), bodies(sync.b(), "PB-1"));
  }

  @Test
  void aCrashAfterAddingACommentDoesNotAddItTwice() {
    String pa1 = syncedIssue();
    sync.a("alice").addComment(pa1, "once");
    sync.b().intercept(new InMemoryIssueTracker.Interceptor() {
      private boolean crashed;

      @Override
      public void after(TrackerCall call) {
        if (call.operation().equals("addComment") && !crashed) {
          crashed = true;
          throw new SimulatedCrash("after addComment");
        }
      }
    });

    assertThrows(SimulatedCrash.class, sync::runUntilQuiet);
    sync.restart();
    sync.runUntilQuiet();

    assertEquals(List.of("Alice Archer wrote:\nonce"), bodies(sync.b(), "PB-1"));
    assertEquals(1, sync.b().calls("addComment").size());
  }
}
