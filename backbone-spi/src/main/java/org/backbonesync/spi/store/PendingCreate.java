package org.backbonesync.spi.store;

import java.util.Objects;

/**
 * A create the incoming queue is about to attempt: recorded (and committed) before the tracker is
 * asked, so that after a crash the engine looks the issue up by its origin marker instead of
 * creating a second one.
 *
 * @param connectorKey the connector creating the issue
 * @param remoteIssueKey the partner issue it is created for
 * @param originMarker the marker the issue is created with
 * @param createdAt when the attempt was recorded, epoch millis
 */
public record PendingCreate(
    String connectorKey, String remoteIssueKey, String originMarker, long createdAt) {
  public PendingCreate {
    Objects.requireNonNull(connectorKey, "connectorKey");
    Objects.requireNonNull(remoteIssueKey, "remoteIssueKey");
    Objects.requireNonNull(originMarker, "originMarker");
  }
}
