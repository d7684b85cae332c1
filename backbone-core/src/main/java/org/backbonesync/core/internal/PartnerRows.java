package org.backbonesync.core.internal;

import java.util.List;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.SyncInfo;

/**
 * Decides, by the rows' epochs a message carries, whether a message of a pair is for the rows
 * that exist now and which sequence id it must have. Sequence ids count per sender row; a row made
 * again (its sync information deleted, or its store lost) has a greater epoch. So:
 *
 * <ul>
 *   <li>a message from an older row of the partner than the one we talk with, or than another
 *       message of the pair waiting in the inbox, is stale;
 *   <li>a message for another row of ours (one deleted or lost) is stale: it never reaches the
 *       row made since, whose partner sends its issue whole when it learns of it; when it comes
 *       from a newer partner row, we talk with that row and send ours whole;
 *   <li>a message from a newer row of the partner makes us talk with that row from now: nothing
 *       of it was received yet, and we send our issue whole to it (the caller does);
 *   <li>a partner row that learned of ours while it went on says from which of its sequence ids
 *       it counts for us ({@code partnerSince}): the ones before were for a row of ours before;
 *       one that knows no row of ours yet says where its own count starts (an imported row goes
 *       on from its imported sequence id: what the store it came from had to send is gone, so
 *       an imported row with counts sends its issue whole to the first partner row it hears
 *       from);
 *   <li>a message naming no issue of ours that reaches an imported row before it heard from the
 *       partner was built before the partner row knew our issue: older than anything that row
 *       has now (a create the store the row came from applied already, delivered again, would
 *       undo later edits). It is dropped; we send our issue whole and the partner row answers
 *       with its own;
 *   <li>a partner row heard from for the first time that applied none of our messages while we
 *       sent some may never get them (they went to a row of it since gone): it gets our issue
 *       whole, and counts ours from the next. It is heard from by its first message to us in
 *       its order: a later one that the transport brought first waits for the gap unlearned
 *       (what it says it applied of ours is not what the row had when it started).
 * </ul>
 *
 * <p>Messages of format version 1 carry no epochs and are counted as before.
 */
final class PartnerRows {
  /**
   * What to do with a message.
   *
   * @param stale why it is dropped unapplied, or null
   * @param learns whether the row talks with the message's sender row from now on
   * @param replaced whether that row replaces one the row talked with: our issue goes whole,
   *     and it counts ours from the next
   * @param expected the sequence id the pair's next message must have
   * @param alsoStale other messages of the pair waiting in the inbox that are stale for the same
   *     reason (dropped with it, so that none waits for it as a gap)
   */
  record Verdict(String stale, boolean learns, boolean replaced, long expected,
      List<InboxEntry> alsoStale) {
    Verdict(String stale, boolean learns, boolean replaced, long expected) {
      this(stale, learns, replaced, expected, List.of());
    }
  }

  private PartnerRows() {}

  /**
   * @param row our row of the pair
   * @param queued the inbox entries of the pair, the message among them
   */
  static Verdict judge(SyncInfo row, SyncMessage message, List<InboxEntry> queued) {
    if (message.senderEpoch() == 0) {
      return new Verdict(null, false, false, row.incomingMessageSequenceId() + 1);
    }
    Verdict stale = fromOlderSender(row, message, queued);
    if (stale == null) {
      stale = notForThisRow(row, message, queued);
    }
    return stale != null ? stale : forThisRow(row, message, queued);
  }

  /** Stale when a newer row of the partner talks with ours or has sent since; else null. */
  private static Verdict fromOlderSender(SyncInfo row, SyncMessage message,
      List<InboxEntry> queued) {
    long sender = message.senderEpoch();
    long known = row.partnerEpoch();
    if (known != 0 && sender < known) {
      return stale("it comes from a row of the partner older than the one it talks with now");
    }
    return newerSenderSent(message, queued) ? stale(NEWER_SENDER) : null;
  }

  /** Why a message is stale when a newer row of its sender has sent since. */
  static final String NEWER_SENDER = "a newer row of the partner has sent since";

  /**
   * Whether a newer row of the message's sender (a row made again there) has sent a message of
   * the pair that is queued: the message's own row is gone, with or without a row here.
   */
  static boolean newerSenderSent(SyncMessage message, List<InboxEntry> queued) {
    long sender = message.senderEpoch();
    for (InboxEntry e : queued) {
      if (e.message().senderEpoch() > sender) {
        return true;
      }
    }
    return false;
  }

  /**
   * The verdict on a message built for another row of ours (one before it, or one since gone)
   * or before the partner row knew ours; null for a message for this row.
   */
  private static Verdict notForThisRow(SyncInfo row, SyncMessage message,
      List<InboxEntry> queued) {
    long sender = message.senderEpoch();
    boolean learns = sender != row.partnerEpoch();
    long addressed = message.receiverEpoch();
    if (addressed == 0 && imported(row) && message.partnerIssueKey() == null) {
      // Built before the partner row knew our issue: before the store this row came from paired
      // it (a create or a change that store applied already, delivered again or late), or the
      // partner's whole after its store was lost. Either way it is older than what the partner
      // row has now: talk with it and send our issue whole; it answers with its own.
      // So is every other such message of that row waiting here: dropped together, none of
      // them waits for the ones before as a gap until the partner's whole comes.
      List<InboxEntry> same = queued.stream()
          .filter(e -> !e.message().messageId().equals(message.messageId())
              && e.message().senderEpoch() == sender && e.message().receiverEpoch() == 0
              && e.message().partnerIssueKey() == null)
          .toList();
      return new Verdict("it was sent, naming no issue of ours, to a row since imported: the"
          + " partner row answers our issue whole with its own", true, true, 0, same);
    }
    if (addressed == 0 && beforeThisRow(row, message)) {
      return stale("it was sent, naming no issue of ours, by a row of the partner older than this"
          + " row, which has sent its issue whole: that row answers it whole");
    }
    if (addressed != 0 && addressed != row.epoch()) {
      // A newer partner row that talks with a row of ours since gone: talk with it, and send
      // our issue whole so that it learns of this row; else each would wait for the other.
      return new Verdict("it was sent to a row of ours that was deleted or lost", learns,
          learns, 0);
    }
    return null;
  }

  /** A message for this row: whether the row learns of its sender, and the id due next. */
  private static Verdict forThisRow(SyncInfo row, SyncMessage message, List<InboxEntry> queued) {
    long sender = message.senderEpoch();
    long known = row.partnerEpoch();
    boolean learns = sender != known;
    // A partner row heard from for the first time (by its first message to us: a later one that
    // came early waits, see below) that applied none of what we sent may never get it (it went
    // to a row of it since gone): it gets our issue whole. So does the first partner row an
    // imported row with counts hears from (what its store had queued is gone).
    boolean replaced = learns && (known != 0 || imported(row)
        || seenOfOurs(message) == 0 && row.outgoingMessageSequenceId() > 0);
    SyncInfo now = learns ? row.withPartnerRow(sender, replaced) : row;
    long expected = now.incomingMessageSequenceId() + 1;
    for (InboxEntry e : queued) {
      SyncMessage m = e.message();
      // (addressed to no row: the sender's row does not know ours yet, and says where its
      // own count starts)
      boolean ours = m.receiverEpoch() == row.epoch() || m.receiverEpoch() == 0;
      if (m.senderEpoch() == sender && ours) {
        expected = Math.max(expected, m.partnerSince());
      }
    }
    if (learns && message.sequenceId() > expected) {
      // Early: the transport reordered it before the row's first messages to us. Only the
      // first says what the row had applied of ours when it started (a row made again over an
      // issue paired before says none, then applies the message it was made for); learned
      // from a later one, ours would not go whole and the row would wait for messages of ours
      // that a row of it since gone applied. It waits for the gap; the first one learns.
      return new Verdict(null, false, false, expected);
    }
    return new Verdict(null, learns, replaced, expected);
  }

  /** An imported row that has not heard from the partner: it counts from its imported id. */
  private static boolean imported(SyncInfo row) {
    return row.partnerEpoch() == 0 && row.partnerSince() > 0;
  }

  /**
   * Whether a message naming no issue of ours (its sender's first: the partner's create, or its
   * issue whole after its store was lost) comes from a partner row older than ours, reaching a
   * row made again (deleted, or its store lost, and paired again by the origin marker) that has
   * heard nothing yet and has sent its issue whole. Such a message was built before this row
   * existed: a create our incoming queue applied already (it made our issue), delivered again or
   * late; applied now, its old values came with their old times and won over changes made since.
   * It is left for the partner row's answer to our whole (that row has sent, and our whole has
   * seen none of it, so it answers whole). An imported row has a rule of its own (see above).
   */
  private static boolean beforeThisRow(SyncInfo row, SyncMessage message) {
    return row.partnerEpoch() == 0 && row.partnerSince() == 0
        && row.incomingMessageSequenceId() == 0 && row.outgoingMessageSequenceId() > 0
        && message.partnerIssueKey() == null && message.senderEpoch() < row.epoch();
  }

  /**
   * The last of our messages the sender had applied when it sent this one. A sender row that
   * knows no row of ours (it names none) applied none of ours: a seen count it carries is of
   * another row (an imported row's count is the store's it came from).
   */
  static long seenOfOurs(SyncMessage message) {
    return message.senderEpoch() != 0 && message.receiverEpoch() == 0
        ? 0 : message.seenSequenceId();
  }

  private static Verdict stale(String why) {
    return new Verdict(why, false, false, 0);
  }
}
