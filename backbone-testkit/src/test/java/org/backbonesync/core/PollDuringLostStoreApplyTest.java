package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Found from outside (helper-186): the service started on an empty store over two fake Jira
 * sites already in sync, with an issue made on B whose copy is on A, left that pair linked on
 * one side only in 4 runs of 5: A's poll found its copy by its origin marker and sent it naming
 * PB-1; B's apply of it read no row of PB-1, B's poll then made one (PB-1 is B's own issue, sent
 * whole), and the apply's new row was refused, {@code local issue PB-1 is already paired in
 * connector PB}, failed for an admin: A paired PA-1 with PB-1, B's row named no partner, and
 * A's changes waited at B until someone retried the message (which then applied).
 */
class PollDuringLostStoreApplyTest {

  @Test
  void bsPollMakingItsRowDuringTheApplyLeavesThePairLinkedOnBothSides() {
    SyncTestDriver sync = SyncTestDriver.builder().transports(false).build();
    sync.b("bob").create("Stapler missing");
    sync.runUntilQuiet();
    AtomicBoolean pollNow = new AtomicBoolean();
    sync.restartOn(HookedSyncInfo.after(new InMemoryStores(), "findByLocalKey", () -> {
      if (pollNow.getAndSet(false)) {
        sync.poll("PB"); // between the apply's read of PB-1's row and its write
      }
    }));
    sync.poll("PA"); // PA-1 carries A's marker naming PB-1: paired again, sent naming PB-1
    pollNow.set(true);

    sync.apply("PB");
    List<InboxEntry> failed = sync.runUntilQuietExpectingFailures();

    assertEquals(List.of(), failed.stream().map(InboxEntry::error).toList());
    assertEquals(List.of(), sync.engine().failedMessages("PB").stream()
        .map(InboxEntry::error).toList(), "nothing waits for an admin");
    assertEquals(Map.of("PA-1", "PB-1"), pairs(sync.syncInfoA()));
    assertEquals(Map.of("PB-1", "PA-1"), pairs(sync.syncInfoB()), "linked on both sides");
    sync.b("bob").edit("PB-1", "summary", org.backbonesync.testkit.InMemoryIssueTracker
        .text("Stapler found"));
    sync.a("alice").edit("PA-1", "labels", org.backbonesync.testkit.InMemoryIssueTracker
        .strings("office"));
    sync.runUntilQuiet();
    assertEquals("Stapler found", sync.a().value("PA-1", "summary").asText());
    assertEquals("office", sync.b().value("PB-1", "labels").get(0).asText());
    assertEquals(1, sync.a().allIssues().size(), "nothing made twice");
    assertEquals(1, sync.b().allIssues().size());
  }

  private static Map<String, String> pairs(List<SyncInfo> rows) {
    Map<String, String> pairs = new TreeMap<>();
    rows.forEach(r -> pairs.put(r.localIssueKey(), String.valueOf(r.remoteIssueKey())));
    return pairs;
  }
}
