package org.backbonesync.service;

import java.util.Map;
import org.backbonesync.core.SyncListener;
import org.backbonesync.spi.message.SyncMessage;

/**
 * Tells each local connector's {@link ConnectorHealth} what the service's own steps do not see:
 * how its deliveries went (the engine catches a failed delivery and retries it later), and how
 * the steps the engine prompted went (an apply when messages arrive, a webhook's hinted read, a
 * delivery), which run on the engines' scheduler. A prompted step's failure counts as a
 * periodic step's; a success that reached the site (a search read, a message applied) clears
 * it, as a periodic poll or apply does. A message the partner refused (parked as undeliverable)
 * is that message's problem, shown among the failed messages; the partner answered, so it
 * leaves the health as it is.
 */
final class HealthListener implements SyncListener {
  /** How the engine's reason for a message the partner refused begins. */
  private static final String REFUSED = "undeliverable:";
  static final String DELIVERY_FAILED = "delivery to the partner failed; see the service log";

  private final Map<String, ConnectorHealth> connectors;

  HealthListener(Map<String, ConnectorHealth> connectors) {
    this.connectors = connectors;
  }

  @Override
  public void polled(String key, int issuesFound, int messagesBuilt) {
    ConnectorHealth health = connectors.get(key);
    if (health != null) {
      health.siteReached(); // (a poll's, or a hinted read's: the site was searched)
    }
  }

  @Override
  public void applied(String key, SyncMessage message, String localKey, boolean created) {
    ConnectorHealth health = connectors.get(key);
    if (health != null) {
      health.siteReached();
    }
  }

  @Override
  public void stepFailed(String key, String step, RuntimeException failure) {
    ConnectorHealth health = connectors.get(key);
    if (health != null) {
      health.stepFailed(StepFailure.kind(failure));
    }
  }

  @Override
  public void sent(String key, SyncMessage message) {
    ConnectorHealth health = connectors.get(key);
    if (health != null) {
      health.delivered();
    }
  }

  @Override
  public void deliveryFailed(String key, SyncMessage message, String reason) {
    ConnectorHealth health = connectors.get(key);
    if (health != null && (reason == null || !reason.startsWith(REFUSED))) {
      health.deliveryFailed(DELIVERY_FAILED);
    }
  }
}
