package org.backbonesync.service;

import java.util.Map;
import org.backbonesync.core.SyncListener;
import org.backbonesync.spi.message.SyncMessage;

/**
 * Tells each local connector's {@link ConnectorHealth} how its deliveries went: the engine
 * catches a failed delivery and retries it later, so the steps never see it. A message the
 * partner refused (parked as undeliverable) is that message's problem, shown among the failed
 * messages; the partner answered, so it leaves the health as it is.
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
