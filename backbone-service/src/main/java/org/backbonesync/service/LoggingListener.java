package org.backbonesync.service;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.backbonesync.core.SyncListener;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.ConflictRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line per message queued, sent, applied and failed (INFO; failures WARN) and counts
 * every event per connector for {@code /metrics}. Shared by all engines: connector keys are
 * unique in the file. Thread-safe.
 */
final class LoggingListener implements SyncListener {
  private static final Logger LOG = LoggerFactory.getLogger("org.backbonesync.service.sync");

  /** Event name, then connector key, to its count. */
  private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

  private void count(String event, String connector) {
    counts.computeIfAbsent(event, e -> new ConcurrentHashMap<>())
        .computeIfAbsent(connector, c -> new LongAdder()).increment();
  }

  /** A snapshot: event, connector, count, sorted. */
  Map<String, Map<String, Long>> counts() {
    Map<String, Map<String, Long>> snapshot = new TreeMap<>();
    counts.forEach((event, byConnector) -> {
      Map<String, Long> m = new TreeMap<>();
      byConnector.forEach((k, v) -> m.put(k, v.sum()));
      snapshot.put(event, m);
    });
    return snapshot;
  }

  /** Messages queued, sent, applied, failed, delivery-failed and received, summed. */
  long activity() {
    long sum = 0;
    for (String event : new String[] {"queued", "sent", "applied", "failed", "delivery_failed",
        "received", "ignored", "duplicate"}) {
      Map<String, LongAdder> m = counts.get(event);
      if (m != null) {
        sum += m.values().stream().mapToLong(LongAdder::sum).sum();
      }
    }
    return sum;
  }

  long total(String event) {
    Map<String, LongAdder> m = counts.get(event);
    return m == null ? 0 : m.values().stream().mapToLong(LongAdder::sum).sum();
  }

  @Override
  public void polled(String key, int found, int built) {
    count("polls", key);
    counts.computeIfAbsent("issues_polled", e -> new ConcurrentHashMap<>())
        .computeIfAbsent(key, c -> new LongAdder()).add(found);
    // the poll's overlap sees the last changes again: worth a line only when they made messages
    if (built > 0) {
      LOG.info("{}: polled {} changed issues, {} messages built", key, found, built);
    } else if (found > 0) {
      LOG.debug("{}: polled {} changed issues, nothing new", key, found);
    }
  }

  @Override
  public void exportFailed(String key, String issueKey, String error) {
    count("export_failed", key);
    LOG.warn("{}: {} could not be examined (again at the next poll): {}", key, issueKey, error);
  }

  @Override
  public void queued(String key, SyncMessage m) {
    count("queued", key);
    LOG.info("{}: queued {} #{} ({})", key, m.sourceIssueKey(), m.sequenceId(), m.messageId());
  }

  @Override
  public void sent(String key, SyncMessage m) {
    count("sent", key);
    LOG.info("{}: sent {} #{} ({})", key, m.sourceIssueKey(), m.sequenceId(), m.messageId());
  }

  @Override
  public void deliveryFailed(String key, SyncMessage m, String reason) {
    count("delivery_failed", key);
    LOG.warn("{}: delivery of {} #{} failed (will be retried): {}", key, m.sourceIssueKey(),
        m.sequenceId(), reason);
  }

  @Override
  public void received(String key, SyncMessage m) {
    count("received", key);
  }

  @Override
  public void applied(String key, SyncMessage m, String localKey, boolean created) {
    count("applied", key);
    if (created) {
      count("created", key);
    }
    LOG.info("{}: applied {} #{} {} {}", key, m.sourceIssueKey(), m.sequenceId(),
        created ? "by creating" : "to", localKey);
  }

  @Override
  public void ignored(String key, SyncMessage m, String reason) {
    count("ignored", key);
    LOG.info("{}: ignored {} #{}: {}", key, m.sourceIssueKey(), m.sequenceId(), reason);
  }

  @Override
  public void conflict(String key, ConflictRecord record) {
    count("conflicts", key);
    LOG.info("{}: conflict: {}", key, record);
  }

  @Override
  public void duplicate(String key, SyncMessage m) {
    count("duplicate", key);
  }

  @Override
  public void failed(String key, SyncMessage m, String error, boolean permanent) {
    count(permanent ? "failed" : "failed_retriable", key);
    LOG.warn("{}: {} #{} failed{}: {}", key, m.sourceIssueKey(), m.sequenceId(),
        permanent ? " (waits for an admin)" : " (will be retried)", error);
  }

  @Override
  public void retried(String key, SyncMessage m) {
    count("retried", key);
    LOG.info("{}: {} #{} retried by an admin", key, m.sourceIssueKey(), m.sequenceId());
  }

  @Override
  public void skipped(String key, SyncMessage m) {
    count("skipped", key);
    LOG.info("{}: {} #{} skipped by an admin", key, m.sourceIssueKey(), m.sequenceId());
  }
}
