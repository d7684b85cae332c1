package org.backbonesync.spi.transport;

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
   * @throws org.backbonesync.spi.SyncException when the message is not for this connector
   */
  boolean receive(SyncMessage message);
}
