package org.backbonesync.core.internal;

import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.SyncInfo;

/**
 * What names an issue pair in its claims ({@link PairClaims}): the partner's issue key, the one
 * key both a poll (from the pair's row) and an apply (from the partner's message) know. Typed, and
 * made only from a row or a message, because a local key claimed by mistake would claim nothing
 * an apply claims: the poll and the apply would no longer exclude each other, silently.
 *
 * @param partnerIssueKey the partner's issue key: the row's remote key, the message's source key
 */
record PairKey(String partnerIssueKey) {
  /** The pair of a row with a remote key. */
  static PairKey of(SyncInfo row) {
    return new PairKey(row.remoteIssueKey());
  }

  /** The pair a partner's message is about. */
  static PairKey of(SyncMessage message) {
    return new PairKey(message.sourceIssueKey());
  }
}
