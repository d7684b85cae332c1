package org.backbonesync.core.internal;

import org.backbonesync.core.PartnerGone;
import org.backbonesync.core.SyncListener;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.ConflictRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls the host's listener, so that a listener that throws cannot break an engine step. */
final class Events implements SyncListener {
  private static final Logger log = LoggerFactory.getLogger(Events.class);
  private final SyncListener listener;

  Events(SyncListener listener) {
    this.listener = listener;
  }

  private void safely(String event, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("SyncListener.{} threw; ignored", event, e);
    }
  }

  @Override
  public void polled(String connectorKey, int issuesFound, int messagesBuilt) {
    safely("polled", () -> listener.polled(connectorKey, issuesFound, messagesBuilt));
  }

  @Override
  public void resyncPage(String connectorKey, String taskId, long issuesDone, long issuesTotal) {
    safely("resyncPage",
        () -> listener.resyncPage(connectorKey, taskId, issuesDone, issuesTotal));
  }

  @Override
  public void exportFailed(String connectorKey, String issueKey, String error) {
    safely("exportFailed", () -> listener.exportFailed(connectorKey, issueKey, error));
  }

  @Override
  public void queued(String connectorKey, SyncMessage message) {
    safely("queued", () -> listener.queued(connectorKey, message));
  }

  @Override
  public void sent(String connectorKey, SyncMessage message) {
    safely("sent", () -> listener.sent(connectorKey, message));
  }

  @Override
  public void deliveryFailed(String connectorKey, SyncMessage message, String reason) {
    safely("deliveryFailed", () -> listener.deliveryFailed(connectorKey, message, reason));
  }

  @Override
  public void received(String connectorKey, SyncMessage message) {
    safely("received", () -> listener.received(connectorKey, message));
  }

  @Override
  public void applied(
      String connectorKey, SyncMessage message, String localIssueKey, boolean created) {
    safely("applied", () -> listener.applied(connectorKey, message, localIssueKey, created));
  }

  @Override
  public void ignored(String connectorKey, SyncMessage message, String reason) {
    safely("ignored", () -> listener.ignored(connectorKey, message, reason));
  }

  @Override
  public void unlinked(String connectorKey, SyncMessage message, String localIssueKey,
      String remoteIssueKey) {
    safely("unlinked",
        () -> listener.unlinked(connectorKey, message, localIssueKey, remoteIssueKey));
  }

  @Override
  public void partnerGone(String connectorKey, SyncMessage message, String localIssueKey,
      PartnerGone.Action action) {
    safely("partnerGone",
        () -> listener.partnerGone(connectorKey, message, localIssueKey, action));
  }

  @Override
  public void conflict(String connectorKey, ConflictRecord record) {
    safely("conflict", () -> listener.conflict(connectorKey, record));
  }

  @Override
  public void duplicate(String connectorKey, SyncMessage message) {
    safely("duplicate", () -> listener.duplicate(connectorKey, message));
  }

  @Override
  public void failed(String connectorKey, SyncMessage message, String error, boolean permanent) {
    safely("failed", () -> listener.failed(connectorKey, message, error, permanent));
  }

  @Override
  public void fieldRefused(String connectorKey, SyncMessage message, String fieldMappingId,
      String field, String error) {
    safely("fieldRefused",
        () -> listener.fieldRefused(connectorKey, message, fieldMappingId, field, error));
  }

  @Override
  public void retried(String connectorKey, SyncMessage message) {
    safely("retried", () -> listener.retried(connectorKey, message));
  }

  @Override
  public void skipped(String connectorKey, SyncMessage message) {
    safely("skipped", () -> listener.skipped(connectorKey, message));
  }

  @Override
  public void stepFailed(String connectorKey, String step, RuntimeException failure) {
    safely("stepFailed", () -> listener.stepFailed(connectorKey, step, failure));
  }
}
