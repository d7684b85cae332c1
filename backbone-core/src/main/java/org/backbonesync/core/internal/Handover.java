package org.backbonesync.core.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.backbonesync.spi.message.SyncMessage;

/**
 * Where a connector's messages go when its partner is a connector of the same engine, talking
 * without a host's transport: straight into the partner's inbox, in the transaction that records
 * the message ({@code MessageStore.handOver}), instead of into the outbox for a {@link Delivery}
 * to move in a transaction of its own. The message arrives exactly when it is recorded, and the
 * outbox row, its read and its delete are saved. Messages in the outbox from before (an engine
 * that had a transport, or an older version) are still delivered; the partner applies each
 * pair's messages in sequence order whichever way they came.
 */
final class Handover {
  /** The partner's inbox; null until the engine has wired both, and for a partner elsewhere. */
  private Inbox partner;
  /** Whether messages arrived since the partner's apply was last prompted. */
  private final AtomicBoolean arrived = new AtomicBoolean();

  /** Hands this connector's messages to the partner's inbox from now on. */
  void bind(Inbox partner) {
    this.partner = partner;
  }

  /** Whether messages go straight to the partner's inbox. */
  boolean bound() {
    return partner != null;
  }

  /**
   * After the commit of a message handed over: the partner's {@code received}. Its apply is
   * prompted by {@link #promptPartner}, once the page's or step's every event is given.
   */
  void arrived(SyncMessage message) {
    partner.handedOver(message);
    arrived.set(true);
  }

  /**
   * After a poll's page and at the end of a step of this connector: prompts the partner's apply
   * when messages arrived since the last prompt. Not at each message: the prompted apply, on
   * another thread, could then give events of messages whose {@code received} the step has not
   * given yet. (Once prompted, an apply that runs while a later page commits may still take one
   * of its messages between the commit and that {@code received}, as an apply prompted by an
   * earlier step may: events of different threads are in the order they happened.)
   */
  void promptPartner() {
    if (partner != null && arrived.getAndSet(false)) {
      partner.prompt();
    }
  }
}
