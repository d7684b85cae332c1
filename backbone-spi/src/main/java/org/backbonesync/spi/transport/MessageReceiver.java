package org.backbonesync.spi.transport;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.backbonesync.spi.message.SyncMessage;

/**
 * The receiving end of a connector: stores a message in its inbox. Transports deliver into it;
 * the engine provides one per local connector.
 */
public interface MessageReceiver {

  /**
   * Stores a message for the incoming queue. Receiving the same message id again is harmless.
   *
   * @return true when the message is stored (or was already), so the sender may forget it
   * @throws org.backbonesync.spi.SyncException when the message is not for this connector, or
   *     (the engine's receiver) its id is not 1 to 512 characters or an issue key it names not
   *     1 to 255, or either holds a control character or broken Unicode: what no store holds and
   *     no admin could retry or skip by its id
   */
  boolean receive(SyncMessage message);

  /**
   * Stores several messages, as {@link #receive} does each; the engine's receiver writes them in
   * one round trip and one transaction, where one by one costs a commit each.
   *
   * @return the ids of the messages stored now or before, which the sender may forget
   * @throws org.backbonesync.spi.SyncException when a message is not for this connector; then
   *     none is stored
   */
  default Set<String> receiveAll(List<SyncMessage> messages) {
    Set<String> stored = new LinkedHashSet<>();
    for (SyncMessage m : messages) {
      if (receive(m)) {
        stored.add(m.messageId());
      }
    }
    return stored;
  }
}
