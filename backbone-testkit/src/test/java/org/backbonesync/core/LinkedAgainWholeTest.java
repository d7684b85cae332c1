package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The whole a row sends when a new copy's PAIRED links it again after a restore lost its partner
 * issue ({@link ReusedKeyStory}: bob's PB-2 is copied to PA-2, where alice edits it, which the
 * sync copies to PB-2; A's restore loses PA-2, and PB-2's create, sent again, makes PA-3, which
 * links PB-2's row again). What the sync wrote to PB-2 from PA-2 is the only copy left of alice's
 * edits: the whole carries it to PA-3 as a person's change, merged or by its time (the
 * simulation with site restores, seeds 84250 and 41133).
 */
class LinkedAgainWholeTest {
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
      .fieldMapping(FieldMapping.passthrough(SyncTestDriver.LABELS, "labels", Direction.BOTH)
          .withConflict(ConflictRule.MERGE))
      .build();

  /**
   * Alice labels PA-2 "red" and PA-3 "blue". PB-2's whole once said it replaced the labels its
   * row had synced with PA-2, so A's merge took "red" as removed on B, and PB-2, whose whole went
   * as from a row still ignoring A, was sent no merge: each side kept its own.
   */
  @Test
  void bothSidesEndWithTheLabelsOfBoth() {
    ReusedKeyStory.copyMadeAgainUnderANewKey(sync, s -> {
      s.a("alice").edit("PA-2", "labels", strings("red"));
      s.advance(Duration.ofSeconds(1));
      s.poll("PA");
      s.deliver("PA");
      s.apply("PB");
    });
    sync.a("alice").edit("PA-3", "labels", strings("blue"));
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());

    assertAll(
        () -> assertEquals(strings("blue", "red"), sorted(sync.a().value("PA-3", "labels")),
            "PA-3's labels"),
        () -> assertEquals(strings("blue", "red"), sorted(sync.b().value("PB-2", "labels")),
            "PB-2's labels"));
  }

  /**
   * Alice edits PA-2's summary; PA-3, made from PB-2's create, goes whole by an admin's resync
   * before PB-2's whole arrives. PB-2's whole once sent alice's summary, written by the sync
   * user, as no person's change (time 0), which lost the tie to PA-3's resent create on A.
   */
  @Test
  void aliceEditOfTheLostIssueWinsOverTheNewCopysCreate() {
    ReusedKeyStory.copyMadeAgainUnderANewKey(sync, s -> {
      s.a("alice").edit("PA-2", "summary", "Scanner jams at tray 2");
      s.advance(Duration.ofSeconds(1));
      s.poll("PA");
      s.deliver("PA");
      s.apply("PB");
    });
    sync.engine().resync("PA", ResyncRequest.all(), "admin");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());

    assertAll(
        () -> assertEquals("Scanner jams at tray 2", sync.a().value("PA-3", "summary").asText(),
            "PA-3's summary"),
        () -> assertEquals("Scanner jams at tray 2", sync.b().value("PB-2", "summary").asText(),
            "PB-2's summary"));
  }

  private static ArrayNode strings(String... items) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (String item : items) {
      array.add(item);
    }
    return array;
  }

  private static ArrayNode sorted(JsonNode labels) {
    List<String> items = new ArrayList<>();
    labels.forEach(l -> items.add(l.asText()));
    return strings(items.stream().sorted().toArray(String[]::new));
  }
}
