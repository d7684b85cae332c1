package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A value an issue was created with weighs with the creation's time: here two issues created
 * apart and paired by an import (a pair taken back after a Jira restore: {@code
 * RestoredSiteTest}). Found by helper-84's review of d981937, which gave every such value time 0
 * (a fix of seeds 705660152 and 67444838 since replaced: {@code NoChangeLostTest}): bob's older
 * edit then won on both sides.
 */
class CreationValueTimeTest {

  /**
   * Bob edits PB-1 at 0:30, alice creates PA-1 at 1:00, an import pairs them; the store is
   * lost, and an edit on either side pairs them again by their markers.
   */
  @ParameterizedTest(name = "an edit on {0}")
  @ValueSource(strings = {"PA", "PB"})
  void importedIssuesPairedAgainKeepTheNewerCreationValue(String editedOn) {
    SyncTestDriver sync = SyncTestDriver.builder().build();
    sync.b("bob").create("Printer on fire");
    sync.advance(Duration.ofMinutes(30));
    sync.b("bob").edit("PB-1", "summary", "Printer on fire, tray 2");
    sync.advance(Duration.ofMinutes(30));
    sync.a("alice").create("Order more toner");
    sync.advance(Duration.ofMinutes(1));
    sync.engine().importSyncInformation("PA", List.of(SyncInfoImport.pair("PA-1", "PB-1")));
    sync.engine().importSyncInformation("PB", List.of(SyncInfoImport.pair("PB-1", "PA-1")));
    sync.advance(Duration.ofMinutes(1));
    sync.restartOn(new InMemoryStores());

    if (editedOn.equals("PA")) {
      sync.a("alice").edit("PA-1", "priority", "High");
    } else {
      sync.b("bob").edit("PB-1", "priority", "High");
    }
    sync.runUntilQuiet();

    assertEquals("Order more toner", sync.a().value("PA-1", "summary").asText(),
        "alice's creation is newer than bob's edit");
    assertEquals("Order more toner", sync.b().value("PB-1", "summary").asText());
    assertEquals("High", sync.a().value("PA-1", "priority").asText());
    assertEquals("High", sync.b().value("PB-1", "priority").asText());
  }
}
