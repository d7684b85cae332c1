package org.backbonesync.service;

import java.time.Instant;
import org.backbonesync.core.SyncListener;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.ConflictRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line per message queued, sent and applied (INFO). A message that failed, an issue
 * that could not be examined, an issue found gone and a partner's issue gone are the engine's to
 * log (a WARN, with the connector, the issue, what happened and, for an unexpected failure, its
 * stack; a retry after a backoff at INFO; the synchronization in the line's MDC): the lines here
 * are DEBUG, so that one event is one WARN line. Counting is the Micrometer listener's, beside
 * it (see {@code SyncService}). Shared by all engines: connector keys are unique in the file.
 * Stateless, so thread-safe.
 */
final class LoggingListener implements SyncListener {
  private static final Logger LOG = LoggerFactory.getLogger("org.backbonesync.service.sync");

  @Override
  public void polled(String key, int found, int built) {
    // the poll's overlap sees the last changes again: worth a line only when they made messages
    if (built > 0) {
      LOG.info("{}: polled {} changed issues, {} messages built", key, found, built);
    } else if (found > 0) {
      LOG.debug("{}: polled {} changed issues, nothing new", key, found);
    }
  }

  @Override
  public void exportFailed(String key, String issueKey, String error) {
    LOG.debug("{}: {} could not be examined (again at the next poll): {}", key, issueKey, error);
  }

  @Override
  public void queued(String key, SyncMessage m) {
    LOG.info("{}: queued {} #{} ({})", key, m.sourceIssueKey(), m.sequenceId(), m.messageId());
  }

  @Override
  public void sent(String key, SyncMessage m) {
    LOG.info("{}: sent {} #{} ({})", key, m.sourceIssueKey(), m.sequenceId(), m.messageId());
  }

  @Override
  public void deliveryFailed(String key, SyncMessage m, String reason) {
    // (the engine warns once per failed batch, and for each message the partner refused: one
    // line per queued message at every poll while a partner is down drowned the log)
    LOG.debug("{}: delivery of {} #{} failed: {}", key, m.sourceIssueKey(), m.sequenceId(),
        reason);
  }

  @Override
  public void applied(String key, SyncMessage m, String localKey, boolean created) {
    LOG.info("{}: applied {} #{} {} {}", key, m.sourceIssueKey(), m.sequenceId(),
        created ? "by creating" : "to", localKey);
  }

  @Override
  public void ignored(String key, SyncMessage m, String reason) {
    LOG.info("{}: ignored {} #{}: {}", key, m.sourceIssueKey(), m.sequenceId(), reason);
  }

  @Override
  public void unlinked(String key, SyncMessage m, String local, String remote) {
    // (the engine's WARN says which: deleted, moved to a key, out of the JQL, replaced)
    LOG.debug("{}: {} is gone; unlinked it from {}, whose changes are now ignored", key, local,
        remote);
  }

  @Override
  public void partnerGone(String key, SyncMessage m, String local,
      org.backbonesync.core.PartnerGone.Action action) {
    // (the engine's WARN says why the partner is gone and what was done)
    LOG.debug("{}: the partner of {} ({}) is gone; unlinked it, action {}",
        key, local, m.sourceIssueKey(), action);
  }

  /**
   * One line naming the pair, the field mapping, the winner and the rule, without the two values:
   * they are the issues' text (a description logged whole at every conflict, found by a soak),
   * and the admin API's {@code GET .../connectors/{key}/conflicts} lists them.
   */
  @Override
  public void conflict(String key, ConflictRecord record) {
    LOG.info("{}: conflict on {} (partner {}), field mapping {}: {} by {} (changed here at {},"
        + " there at {}); its values: GET .../connectors/{}/conflicts?localIssueKey={}", key,
        record.localIssueKey(), record.remoteIssueKey(), record.fieldMappingId(),
        record.winner(), record.rule(), Instant.ofEpochMilli(record.localChangedAt()),
        Instant.ofEpochMilli(record.remoteChangedAt()), key, record.localIssueKey());
  }

  @Override
  public void failed(String key, SyncMessage m, String error, boolean permanent) {
    LOG.debug("{}: {} #{} failed{}: {}", key, m.sourceIssueKey(), m.sequenceId(),
        permanent ? " (its issue waits)" : " (will be retried)", error);
  }

  @Override
  public void retried(String key, SyncMessage m) {
    LOG.info("{}: {} #{} retried by an admin", key, m.sourceIssueKey(), m.sequenceId());
  }

  @Override
  public void skipped(String key, SyncMessage m) {
    LOG.info("{}: {} #{} skipped by an admin", key, m.sourceIssueKey(), m.sequenceId());
  }
}
