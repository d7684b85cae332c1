package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rule of a connector's health: the last step that reached the site and the last delivery
 * to a partner must both have succeeded; work that reached neither tells nothing.
 */
class ConnectorHealthTest {
  private final ConnectorHealth health = new ConnectorHealth(
      Clock.fixed(Instant.parse("2026-12-05T01:00:00Z"), ZoneOffset.UTC));
  private final HealthListener listener = new HealthListener(Map.of("PA", health));

  /** Found by a trial: 68 failed deliveries to a partner, and /health said healthy. */
  @Test
  void failingDeliveriesMakeItUnhealthyUntilOneSucceeds() {
    listener.deliveryFailed("PA", null, "transport failed: Connection refused");
    health.siteReached(); // the polls keep succeeding

    assertFalse(health.healthy());
    assertEquals(HealthListener.DELIVERY_FAILED, health.lastError());

    listener.sent("PA", null);

    assertTrue(health.healthy());
  }

  @Test
  void aMessageThePartnerRefusedLeavesTheHealthAsItIs() {
    listener.deliveryFailed("PA", null, "undeliverable: unknown issue type");

    assertTrue(health.healthy());
  }

  @Test
  void aStepFailureIsMendedOnlyByAStepThatReachesTheSite() {
    health.siteReached();
    health.stepFailed("RetriableException; see the service log");
    listener.sent("PA", null); // (a delivery does not reach the site)

    assertFalse(health.healthy(), "a failure at the same instant as the success is later");
    assertEquals("RetriableException; see the service log", health.lastError());

    health.siteReached();

    assertTrue(health.healthy());
  }
}
