package org.backbonesync.spi.transport;

import java.util.List;
import java.util.Set;
import org.backbonesync.spi.message.SyncMessage;

/**
 * Hands messages from a connector's outbox to the partner connector's {@link MessageReceiver}.
 *
 * <p>A transport may lose, duplicate, delay or reorder messages; the engine copes: a message stays
 * in the outbox and is sent again until its id is acknowledged, and the receiver applies each
 * sequence id once and in order. An acknowledgement must only be given once the partner has
 * stored the message durably. Implementations must be safe for use by several threads.
 */
public interface MessageTransport {

  /**
   * Sends messages, oldest first.
   *
   * @return the ids of the messages the partner acknowledged now; the others will be sent again
   * @throws org.backbonesync.spi.RetriableException when the partner cannot be reached; all of
   *     them will be sent again after a backoff
   */
  Set<String> send(List<SyncMessage> messages);

  /**
   * The messages this transport will never deliver as they are (the partner refuses them, e.g.
   * as larger than it accepts), by id, with the reason. The engine takes them out of its delivery
   * loop and lists them ({@code SyncEngine.undeliverableMessages}) until an admin retries or
   * skips them. Default: none.
   *
   * @since 0.1.0
   */
  default java.util.Map<String, String> undeliverable() {
    return java.util.Map.of();
  }
}
