package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.testkit.CountingStores;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Rows whose last change seen is legitimately later than their issue's update time: imported
 * ones, whose last change seen is the import's time, and rows on a tracker whose clock is
 * behind the engine's. The changes before it are not sent again (helper-115 found 35c78e3d's
 * examination from the changelog's start sending them).
 */
class ImportedRowsChangesTest {

  /**
   * README: an import's default last change seen is the time of the import, "so only later
   * changes are sent". A poll that finds the issue (edited a little before the import, inside
   * the search's window; here the engine's first poll, which reads everything) must send nothing
   * of what was done before. With 35c78e3d the first poll sent each side's pre-import changes,
   * the pair went whole both ways (4 conflict records, newest by change or creation time won):
   * B's description reached A (and, with B's issue made first, A's summary reached B).
   */
  @Test
  void anImportedPairSendsNoChangeMadeBeforeTheImport() {
    SyncTestDriver sync = SyncTestDriver.builder().build();
    sync.a("alice").create("Printer on fire");
    sync.advance(Duration.ofMinutes(10));
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, A's wording"); // before the import
    sync.advance(Duration.ofMinutes(10));
    // B's issue made later, by hand, with its own (newer) wording
    sync.b("bob").create("Printer on fire (B's own wording)");
    sync.b("bob").edit("PB-1", "description", "B's notes"); // before the import
    sync.advance(Duration.ofSeconds(10));
    sync.engine().importSyncInformation("PA", List.of(SyncInfoImport.pair("PA-1", "PB-1")));
    sync.engine().importSyncInformation("PB", List.of(SyncInfoImport.pair("PB-1", "PA-1")));
    sync.advance(Duration.ofSeconds(5));

    sync.runUntilQuiet();

    assertEquals("Printer on fire (B's own wording)", sync.b().value("PB-1", "summary").asText(),
        "A's change before the import is not sent");
    assertEquals("", text(sync.a().value("PA-1", "description")),
        "B's change before the import is not sent");
  }

  /**
   * After an import (nothing edited since, so the update time is older than the row's
   * last change seen), an admin resyncs B: B's values go with time 0 (no person's change seen
   * there), and are applied on A (A's changes before the import count as seen, README: "only
   * later changes are sent"). With 35c78e3d A's change from before the import counted as not
   * sent, won over B's, and no poll found A's issue to send it: the pair stayed apart.
   */
  @Test
  void aResyncAfterAnImportLeavesThePairEqual() {
    SyncTestDriver sync = importedPair("Printer on fire (B's own wording)");

    sync.engine().resync("PB", ResyncRequest.all(), "admin");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(5));
    sync.runUntilQuiet();

    assertEquals(sync.b().value("PB-1", "summary").asText(),
        sync.a().value("PA-1", "summary").asText(), "the pair ends equal");
    assertEquals(List.of(), sync.stores().conflicts().list("PA", "PA-1"), "no conflict");
  }

  /**
   * After an import, B's person edits the summary: A's change of it from before the import
   * is no change not sent (README: only later changes are sent), so no conflict is recorded.
   */
  @Test
  void aChangeAfterAnImportIsNoConflictWithOneBeforeIt() {
    SyncTestDriver sync = importedPair("Printer on fire");

    sync.b("bob").edit("PB-1", "summary", "Printer fixed");
    sync.advance(Duration.ofSeconds(10));
    sync.runUntilQuiet();

    assertEquals("Printer fixed", sync.a().value("PA-1", "summary").asText());
    assertEquals(List.of(), sync.stores().conflicts().list("PA", "PA-1"), "no conflict");
  }

  /**
   * B's tracker 2 minutes behind the engine: B's rows, made by applies, start from no change
   * seen and then take B's own times, so none sits above its issue's update time; edits go both
   * ways and idle polls write nothing.
   */
  @Test
  void rowsMadeByAnApplyOnATrackerBehindSyncAndIdlePollsWriteNothing() {
    CountingStores stores = new CountingStores(new InMemoryStores());
    SyncTestDriver sync = SyncTestDriver.builder().stores(stores)
        .skewB(Duration.ofMinutes(-2)).build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.b("bob").edit("PB-1", "summary", "Printer on fire, B");
    sync.advance(Duration.ofSeconds(10));
    sync.runUntilQuiet();
    assertEquals("Printer on fire, B", sync.a().value("PA-1", "summary").asText());
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, A");
    sync.advance(Duration.ofSeconds(10));
    sync.runUntilQuiet();
    assertEquals("Printer on fire, A", sync.b().value("PB-1", "summary").asText());
    assertEquals(List.of(), sync.stores().conflicts().list("PB", "PB-1"));
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
    IdlePolls.writeNothing(sync, stores);
  }

  /**
   * PA-1 and PB-1 (B's summary given), A's summary edited 10 minutes before both rows are
   * imported, with an engine running since before: no poll finds them, nothing edited since.
   */
  private static SyncTestDriver importedPair(String bSummary) {
    SyncTestDriver sync = SyncTestDriver.builder().build();
    sync.a("alice").create("Printer on fire");
    sync.b("bob").create(bSummary);
    sync.advance(Duration.ofMinutes(10));
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, A's wording"); // before the import
    sync.advance(Duration.ofMinutes(10));
    sync.engine().importSyncInformation("PA", List.of(SyncInfoImport.pair("PA-1", "PB-1")));
    sync.engine().importSyncInformation("PB", List.of(SyncInfoImport.pair("PB-1", "PA-1")));
    runningSince(sync);
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
    assertEquals("Printer on fire, A's wording", sync.a().value("PA-1", "summary").asText());
    return sync;
  }

  /** As if the engine had polled both sides up to now (an engine running before the import). */
  private static void runningSince(SyncTestDriver sync) {
    sync.stores().watermarks().setWatermark("PA", sync.clock().millis());
    sync.stores().watermarks().setWatermark("PB", sync.clock().millis());
  }

  private static String text(com.fasterxml.jackson.databind.JsonNode n) {
    return n == null || n.isNull() ? "" : n.asText();
  }
}
