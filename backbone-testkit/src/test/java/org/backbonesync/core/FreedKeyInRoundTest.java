package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * One apply round of A takes two pairs: a new issue of B, whose copy gets the key of an issue a
 * restore of A's site lost, and the lost issue's partner. The copy's apply removes the lost
 * pair's row and drops its queued changes; the partner's change, read with the round before
 * that, must then not be applied through the removed row to the copy now under its key.
 */
class FreedKeyInRoundTest {
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .connectorB(c -> c.withOnPartnerGone(PartnerGone.mark())).build();

  @Test
  void aChangeOfTheLostPairReadWithTheRoundIsNotAppliedToTheCopyUnderItsKey() {
    long backup = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").create("Scanner jams");
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-1 made for PB-1; no poll of PA saw it yet
    sync.deliver("PA");
    sync.apply("PB"); // PB-1's row learns PA-1
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-1"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    assertEquals("PB-2", sync.b("bob").create("Order more toner"));
    sync.advance(Duration.ofSeconds(1));
    sync.b("bob").edit("PB-1", "summary", "Scanner jams again");
    sync.poll("PB"); // PB-2's create, then PB-1's change for PA-1's row
    sync.deliver("PB");
    sync.apply("PA"); // one round: PA-1 made for PB-2, then PB-1's change

    assertEquals("Order more toner", sync.a().value("PA-1", "summary").asText(),
        "PB-1's change does not reach PB-2's copy under the lost key");
    assertEquals(1, sync.a().allIssues().size());
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures(),
        "nothing waits for an operator");
    assertEquals("Order more toner", sync.a().value("PA-1", "summary").asText());
    assertEquals("Scanner jams again", sync.b().value("PB-1", "summary").asText());
  }
}
