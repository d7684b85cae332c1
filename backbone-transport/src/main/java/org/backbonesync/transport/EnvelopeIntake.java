package org.backbonesync.transport;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.transport.MessageReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores the messages of one envelope through a receiver, for both transports alike: all of them
 * in one transaction; when the receiver refuses that batch for a message it refuses for good (an
 * id no store holds), one by one, so that the others are stored and only the refused ones stay
 * with the sender, which sends what is not acknowledged again. A store that fails (a {@link
 * RetriableException}: the database is down) ends it at once, at the batch or at any message:
 * every other message would fail alike, each logged. The caller then leaves the whole envelope to
 * be sent or taken again, and what was stored of it is taken as a duplicate.
 */
final class EnvelopeIntake {
  private static final Logger LOG = LoggerFactory.getLogger(EnvelopeIntake.class);

  private EnvelopeIntake() {}

  /**
   * What was stored of an envelope.
   *
   * @param ids the ids of the messages stored
   * @param batchRefusal the receiver's refusal of the whole batch, when the messages were tried
   *     one by one; null when it took the batch
   */
  record Stored(Set<String> ids, RuntimeException batchRefusal) {}

  /**
   * Stores the messages.
   *
   * @param local the receiving connector, for the log
   * @throws RetriableException when the store fails; nothing more of the envelope is tried
   */
  static Stored store(String local, MessageReceiver receiver, List<SyncMessage> messages) {
    try {
      return new Stored(receiver.receiveAll(messages), null); // one transaction: all or none
    } catch (RetriableException storeTrouble) {
      throw storeTrouble;
    } catch (RuntimeException refused) {
      return new Stored(oneByOne(local, receiver, messages), refused);
    }
  }

  private static Set<String> oneByOne(String local, MessageReceiver receiver,
      List<SyncMessage> messages) {
    Set<String> ids = new LinkedHashSet<>();
    for (SyncMessage m : messages) {
      try {
        if (receiver.receive(m)) {
          ids.add(m.messageId());
        }
      } catch (RetriableException storeTrouble) {
        throw storeTrouble;
      } catch (RuntimeException refused) {
        // not acknowledged: the sender keeps it and sends it again (the id escaped: a partner's
        // id with a line break forged a log line of its own)
        LOG.warn("{}: message {} not stored: {}", Envelopes.printable(local),
            Envelopes.printable(m.messageId()), refused.toString());
      }
    }
    return ids;
  }
}
