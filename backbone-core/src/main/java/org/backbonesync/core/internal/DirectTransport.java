package org.backbonesync.core.internal;

import java.util.List;
import java.util.Set;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.transport.MessageReceiver;
import org.backbonesync.spi.transport.MessageTransport;

/** Hands messages to a partner connector in the same engine. */
final class DirectTransport implements MessageTransport {
  private final MessageReceiver partner;

  DirectTransport(MessageReceiver partner) {
    this.partner = partner;
  }

  @Override
  public Set<String> send(List<SyncMessage> messages) {
    return partner.receiveAll(messages);
  }
}
