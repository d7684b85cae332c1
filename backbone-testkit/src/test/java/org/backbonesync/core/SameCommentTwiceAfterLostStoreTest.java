package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Two comments of one person with the same text ("+1", "Done") have two copies on the partner.
 * After a lost store the partner's whole re-pairs them with the copies there (adopts them, not
 * adding them again): each copy is adopted once. Before, both adds adopted the first copy, and
 * the whole's end deleted the second as a copy of nothing.
 */
class SameCommentTwiceAfterLostStoreTest {
  @Test
  void twoEqualCommentsKeepTheirTwoCopiesWhenALostStoreIsRePaired() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", null))
        .build();
    String key = sync.a("alice").create("Printer on fire");
    sync.a("alice").addComment(key, "+1");
    sync.a("alice").addComment(key, "+1");
    sync.runUntilQuiet();
    assertEquals(2, sync.b().comments("PB-1").size(), "two copies before the store is lost");
    sync.advance(Duration.ofMinutes(1));

    sync.restartOn(new InMemoryStores()); // a lost database
    sync.runUntilQuiet();

    List<Comment> copies = sync.b().comments("PB-1");
    assertEquals(2, copies.size(), "both copies stay: " + copies);
    sync.a("alice").editComment(key, sync.a().comments(key).get(0).id(), "+1, seen on 3rd floor");
    sync.a("alice").editComment(key, sync.a().comments(key).get(1).id(), "+1, and on 4th");
    sync.runUntilQuiet();
    assertEquals(List.of("+1, seen on 3rd floor", "+1, and on 4th"), sync.b().comments("PB-1")
        .stream().map(c -> c.body().substring(c.body().indexOf("+1"))).toList(),
        "each copy follows its own original");
  }
}
