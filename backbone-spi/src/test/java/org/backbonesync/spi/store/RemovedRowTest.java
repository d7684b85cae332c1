package org.backbonesync.spi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A removed row must name its partner row: the engine tells a late message of it by its epoch. */
class RemovedRowTest {
  @Test
  void aRemovedRowWithoutItsPartnerRowIsRefusedNamingTheFieldAndIssue() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> new RemovedRow("PA", "PB-1", 0, 1));

    assertEquals("partnerEpoch must not be 0 (a removed row that talked with no partner row"
        + " keeps nothing): remoteIssueKey PB-1", refused.getMessage());
  }

  @Test
  void aRemovedRowWithoutItsKeysIsRefusedNamingTheField() {
    assertEquals("connectorKey", assertThrows(NullPointerException.class,
        () -> new RemovedRow(null, "PB-1", 7, 1)).getMessage());
    assertEquals("remoteIssueKey", assertThrows(NullPointerException.class,
        () -> new RemovedRow("PA", null, 7, 1)).getMessage());
  }
}
