package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Jira Cloud's search is eventually consistent: an issue it returns may lack the comment or the
 * attachment the sync wrote to it a moment ago. A linked comment or attachment missing from a
 * search result is not taken for deleted on that word alone, or the partner's original would be
 * deleted for good (found by a cold review).
 */
class LaggingSearchTest {
  /**
   * PA's search brings comments and attachments along, as the Jira adapter's does, from an index
   * that has not seen what the sync user wrote yet; every other read is the issue's own.
   */
  private static IssueTracker laggingSearch(InMemoryIssueTracker tracker, String syncUser) {
    return searchBringing(tracker,
        key -> tracker.comments(key).stream().filter(x -> !x.author().equals(syncUser)).toList(),
        key -> tracker.attachments(key).stream().filter(x -> !x.author().equals(syncUser))
            .toList());
  }

  /** PA's search, bringing along what these give for each issue found. */
  static IssueTracker searchBringing(InMemoryIssueTracker tracker,
      Function<String, List<Comment>> comments, Function<String, List<Attachment>> attachments) {
    return TrackerProxies.searchPages(tracker, page -> {
      List<IssueChanges> brought = new ArrayList<>();
      for (IssueChanges c : page.issues()) {
        String key = c.issue().key();
        brought.add(new IssueChanges(c.issue(), c.changelog(), comments.apply(key),
            attachments.apply(key)));
      }
      return new ChangePage(brought, page.nextPageToken());
    });
  }

  private static SyncTestDriver driver() throws Exception {
    ObjectMapper json = new ObjectMapper();
    return SyncTestDriver.builder()
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", json.createObjectNode().put("authorPrefix", "")))
        .fieldMapping(FieldMapping.of("map-files", "attachments", Direction.BOTH, "attachment",
            "attachment", json.readTree("{}")))
        .trackers((key, t) -> key.equals("PA") ? laggingSearch(t, "sync-a") : t)
        .build();
  }

  @Test
  void aCommentTheSearchHasNotSeenYetIsNotDeletedOnThePartner() throws Exception {
    SyncTestDriver sync = driver();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.b("bob").addComment("PB-1", "Toner is low.");
    sync.runUntilQuiet(); // copied to PA-1 by sync-a and linked

    sync.a("alice").edit("PA-1", "summary", "Printer on fire again");
    sync.runUntilQuiet(); // PA-1's search result lacks the copy

    assertEquals(List.of(), sync.b().calls("deleteComment"), "nobody deleted a comment");
    assertEquals(List.of("Toner is low."),
        sync.b().comments("PB-1").stream().map(Comment::body).toList());
    assertEquals("Printer on fire again", sync.b().value("PB-1", "summary").asText());
  }

  @Test
  void aCommentReallyDeletedIsStillDeletedOnThePartner() throws Exception {
    SyncTestDriver sync = driver();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.b("bob").addComment("PB-1", "Toner is low.");
    sync.runUntilQuiet();

    Comment copy = sync.a().comments("PA-1").get(0);
    sync.a("alice").deleteComment("PA-1", copy.id());
    sync.runUntilQuiet();

    assertEquals(List.of(), sync.b().comments("PB-1"), "the delete still goes");
  }

  @Test
  void anAttachmentTheSearchHasNotSeenYetStaysLinked() throws Exception {
    SyncTestDriver sync = driver();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.b("bob").upload("PB-1", "log.txt", "text/plain",
        new ByteArrayInputStream("paper jam".getBytes(StandardCharsets.UTF_8)));
    sync.runUntilQuiet();
    sync.runUntilQuiet(); // copied to PA-1 by sync-a and linked
    assertEquals(1, sync.a().attachments("PA-1").size(), "copied");

    sync.a("alice").edit("PA-1", "summary", "Printer on fire again");
    sync.runUntilQuiet();
    sync.runUntilQuiet();

    assertEquals(List.of("log.txt"),
        sync.b().attachments("PB-1").stream().map(Attachment::filename).toList(),
        "bob's file stays");
    assertEquals(List.of("log.txt"),
        sync.a().attachments("PA-1").stream().map(Attachment::filename).toList(),
        "its copy stays, once");

    Attachment original = sync.b().attachments("PB-1").get(0);
    sync.b("bob").deleteAttachment(original.id());
    sync.runUntilQuiet();
    sync.runUntilQuiet();
    assertEquals(List.of(), sync.a().attachments("PA-1"),
        "the copy is still linked: bob's delete reaches it");
  }
}
