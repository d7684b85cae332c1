package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/** A sub-task is created under its parent's partner, and waits while the parent is not synced. */
class SubtaskTest {
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .projectA(p -> p.issueTypes("Task", "Sub-task"))
      .projectB(p -> p.issueTypes("Task", "Sub-task"))
      .connectorA(c -> c.withJql("labels = sync"))
      .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
      .fieldMapping(FieldMapping.passthrough(SyncTestDriver.LABELS, "labels", Direction.BOTH))
      .build();

  private String create(String type, String summary, String parent) {
    Map<String, com.fasterxml.jackson.databind.JsonNode> fields = parent == null
        ? Map.of("summary", text(summary))
        : Map.of("summary", text(summary), "parent", text(parent));
    String key = sync.a("alice").createIssue(new IssueCreate(type, fields, null));
    sync.a("alice").edit(key, "labels",
        org.backbonesync.testkit.InMemoryIssueTracker.strings("sync"));
    return key;
  }

  @Test
  void aSubtaskIsCreatedUnderItsParentsPartner() {
    String parent = create("Task", "Printer on fire", null);
    create("Sub-task", "Order toner", parent);

    sync.runUntilQuiet();

    assertEquals("PB-1", sync.b().value("PB-2", "parent").asText());
    assertEquals("Sub-task", sync.b().issue("PB-2").orElseThrow().issueType());
  }

  @Test
  void aSubtaskWaitsWhileItsParentIsNotSyncedAndFollowsItThen() {
    String parent = sync.a("alice").createIssue(new IssueCreate("Task",
        Map.of("summary", text("Printer on fire")), null)); // no label: outside the sync's JQL
    create("Sub-task", "Order toner", parent);

    sync.runFor(Duration.ofMinutes(30));
    assertTrue(sync.b().allIssues().isEmpty(), "the sub-task waits");
    assertTrue(sync.engine().failedMessages("PB").isEmpty(), "waiting, not failed");

    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit(parent, "labels",
        org.backbonesync.testkit.InMemoryIssueTracker.strings("sync"));
    sync.runUntilQuiet();

    var byName = new java.util.HashMap<String, org.backbonesync.spi.tracker.TrackedIssue>();
    sync.b().allIssues().forEach(i -> byName.put(i.field("summary").asText(), i));
    assertEquals(byName.get("Printer on fire").key(),
        byName.get("Order toner").field("parent").asText(), "under the parent's partner");
  }
}
