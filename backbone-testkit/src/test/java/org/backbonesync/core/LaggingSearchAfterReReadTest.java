package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A comment read again from the issue (a linked one was missing from a lagging search) moves the
 * pair's links ahead of what a later, still lagging, search shows: an index that caught up with
 * the sync's own copy but not yet with a person's later delete or edit. Such a list looks older
 * than the links and is read again too; used as it was, the deleted comment came back on the
 * partner and the edit was reverted there (found by a cold review).
 */
class LaggingSearchAfterReReadTest {
  /** Comments PA's search brings along for an issue while its index lags; else the issue's. */
  private final Map<String, List<Comment>> indexed = new ConcurrentHashMap<>();

  private IssueTracker laggingSearch(InMemoryIssueTracker tracker) {
    return LaggingSearchTest.searchBringing(tracker,
        key -> indexed.getOrDefault(key, tracker.comments(key)), tracker::attachments);
  }

  private SyncTestDriver driver() throws Exception {
    ObjectMapper json = new ObjectMapper();
    return SyncTestDriver.builder()
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", json.createObjectNode().put("authorPrefix", "")))
        .trackers((key, t) -> key.equals("PA") ? laggingSearch(t) : t)
        .build();
  }

  /** alice's comment on PA-1 copied to PB-1, bob's on PB-1 copied to PA-1 (the index lags). */
  private SyncTestDriver twoLinkedComments() throws Exception {
    SyncTestDriver sync = driver();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.a("alice").addComment("PA-1", "v1");
    sync.runUntilQuiet();
    // the index has seen alice's comment, not what the sync user writes from now on
    indexed.put("PA-1", sync.a().comments("PA-1"));
    sync.b("bob").addComment("PB-1", "Toner is low.");
    sync.runUntilQuiet();
    assertEquals(2, sync.a().comments("PA-1").size());
    return sync;
  }

  private static Comment by(InMemoryIssueTracker t, String key, String author) {
    return t.comments(key).stream().filter(c -> c.author().equals(author)).findFirst()
        .orElseThrow();
  }

  @Test
  void aCommentDeletedIsNotAddedBackWhenTheIndexCatchesUpOnlyWithTheSyncsCopy()
      throws Exception {
    SyncTestDriver sync = twoLinkedComments();
    List<Comment> beforeDelete = sync.a().comments("PA-1"); // alice's "v1" and the copy

    sync.a("alice").deleteComment("PA-1", by(sync.a(), "PA-1", "alice").id());
    sync.advance(Duration.ofSeconds(1));
    sync.runUntilQuiet(); // search lacks the copy: read again, alice's delete reaches PB-1
    assertEquals(List.of("Toner is low."),
        sync.b().comments("PB-1").stream().map(Comment::body).toList(), "delete went");

    indexed.put("PA-1", beforeDelete); // the index has the copy now, not yet alice's delete
    sync.advance(Duration.ofSeconds(1));
    sync.runUntilQuiet();

    assertEquals(List.of("Toner is low."),
        sync.b().comments("PB-1").stream().map(Comment::body).toList(),
        "alice's deleted comment must not come back on PB-1");
  }

  @Test
  void anEditIsNotRevertedWhenTheIndexCatchesUpOnlyWithTheSyncsCopy() throws Exception {
    SyncTestDriver sync = twoLinkedComments();
    List<Comment> beforeEdit = sync.a().comments("PA-1");

    sync.a("alice").editComment("PA-1", by(sync.a(), "PA-1", "alice").id(), "v2");
    sync.advance(Duration.ofSeconds(1));
    sync.runUntilQuiet(); // search lacks the copy: read again, the edit reaches PB-1
    assertEquals("v2", by(sync.b(), "PB-1", "sync-b").body(), "edit went");

    indexed.put("PA-1", beforeEdit); // the index has the copy now, not yet alice's edit
    sync.advance(Duration.ofSeconds(1));
    sync.runUntilQuiet();

    assertEquals("v2", by(sync.b(), "PB-1", "sync-b").body(),
        "alice's edit must not be reverted on PB-1");
  }
}
