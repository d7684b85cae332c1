package org.backbonesync.core;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.ConflictRecord;

/**
 * Receives the engine's events, for hosts' metrics and logs. Every method has a no-op default, so
 * a listener overrides only what it needs.
 *
 * <p>Methods are called on the thread running the engine step, after the step's store
 * transaction committed, in the order the events happened. They must be quick and must not
 * throw; an exception from a listener is logged and ignored. A message handed straight to a
 * partner connector of the same engine gives the partner's {@link #received} on the sending
 * step's thread. Events are not stored: a process that dies between a commit and its events
 * never gives them (the message itself is not lost), so counts of different events (say
 * received and applied) need not match after a crash.
 *
 * <p>The engine takes one listener; {@link #all} combines several (say metrics and logs) into
 * one.
 */
public interface SyncListener {

  /** A listener that does nothing. */
  SyncListener NONE = new SyncListener() {};

  /**
   * A listener that forwards every event to each of {@code listeners}, in the order given.
   *
   * <p>A listener that throws does not keep the event from the ones after it: each is called,
   * then the first {@link RuntimeException} thrown is rethrown with the others {@linkplain
   * Throwable#addSuppressed suppressed}. Given to the engine, that exception is logged and
   * ignored, as for a single listener, so the engine step goes on. An {@link Error} is not
   * caught and stops the forwarding at once.
   *
   * <p>Thread-safe when the listeners are. The array is copied; with none, returns {@link #NONE}.
   *
   * @param listeners the listeners, none of them null
   * @throws NullPointerException naming the index of a null listener
   */
  // Long: one three-line forwarding override per event, in a class no caller may name.
  static SyncListener all(SyncListener... listeners) {
    Objects.requireNonNull(listeners, "listeners");
    for (int i = 0; i < listeners.length; i++) {
      Objects.requireNonNull(listeners[i], "listeners[" + i + "]");
    }
    if (listeners.length == 0) {
      return NONE;
    }
    List<SyncListener> each = List.of(listeners);
    return new SyncListener() {
      private void forward(Consumer<SyncListener> event) {
        RuntimeException first = null;
        for (SyncListener listener : each) {
          try {
            event.accept(listener);
          } catch (RuntimeException e) {
            if (first == null) {
              first = e;
            } else {
              first.addSuppressed(e);
            }
          }
        }
        if (first != null) {
          throw first;
        }
      }

      @Override
      public void polled(String connectorKey, int issuesFound, int messagesBuilt) {
        forward(l -> l.polled(connectorKey, issuesFound, messagesBuilt));
      }

      @Override
      public void resyncPage(String connectorKey, String taskId, long issuesDone,
          long issuesTotal) {
        forward(l -> l.resyncPage(connectorKey, taskId, issuesDone, issuesTotal));
      }

      @Override
      public void exportFailed(String connectorKey, String issueKey, String error) {
        forward(l -> l.exportFailed(connectorKey, issueKey, error));
      }

      @Override
      public void queued(String connectorKey, SyncMessage message) {
        forward(l -> l.queued(connectorKey, message));
      }

      @Override
      public void sent(String connectorKey, SyncMessage message) {
        forward(l -> l.sent(connectorKey, message));
      }

      @Override
      public void deliveryFailed(String connectorKey, SyncMessage message, String reason) {
        forward(l -> l.deliveryFailed(connectorKey, message, reason));
      }

      @Override
      public void received(String connectorKey, SyncMessage message) {
        forward(l -> l.received(connectorKey, message));
      }

      @Override
      public void applied(
          String connectorKey, SyncMessage message, String localIssueKey, boolean created) {
        forward(l -> l.applied(connectorKey, message, localIssueKey, created));
      }

      @Override
      public void ignored(String connectorKey, SyncMessage message, String reason) {
        forward(l -> l.ignored(connectorKey, message, reason));
      }

      @Override
      public void unlinked(String connectorKey, SyncMessage message, String localIssueKey,
          String remoteIssueKey) {
        forward(l -> l.unlinked(connectorKey, message, localIssueKey, remoteIssueKey));
      }

      @Override
      public void partnerGone(String connectorKey, SyncMessage message, String localIssueKey,
          PartnerGone.Action action) {
        forward(l -> l.partnerGone(connectorKey, message, localIssueKey, action));
      }

      @Override
      public void conflict(
          String connectorKey, ConflictRecord record) {
        forward(l -> l.conflict(connectorKey, record));
      }

      @Override
      public void duplicate(String connectorKey, SyncMessage message) {
        forward(l -> l.duplicate(connectorKey, message));
      }

      @Override
      public void failed(
          String connectorKey, SyncMessage message, String error, boolean permanent) {
        forward(l -> l.failed(connectorKey, message, error, permanent));
      }

      @Override
      public void fieldRefused(String connectorKey, SyncMessage message, String fieldMappingId,
          String field, String error) {
        forward(l -> l.fieldRefused(connectorKey, message, fieldMappingId, field, error));
      }

      @Override
      public void retried(String connectorKey, SyncMessage message) {
        forward(l -> l.retried(connectorKey, message));
      }

      @Override
      public void skipped(String connectorKey, SyncMessage message) {
        forward(l -> l.skipped(connectorKey, message));
      }

      @Override
      public void stepFailed(String connectorKey, String step, RuntimeException failure) {
        forward(l -> l.stepFailed(connectorKey, step, failure));
      }

      @Override
      public String toString() {
        return "SyncListener.all" + each;
      }
    };
  }

  /**
   * A resync task finished a page of issues.
   *
   * @param issuesDone issues resynced so far
   * @param issuesTotal how many issues the tracker counted when the task started (perhaps an
   *     estimate), or -1 when it could not tell
   * @since 0.1.0
   */
  default void resyncPage(String connectorKey, String taskId, long issuesDone,
      long issuesTotal) {}

  /**
   * The outgoing queue looked for changed issues.
   *
   * @param issuesFound issues the search returned
   * @param messagesBuilt messages put in the outbox (or handed to a local partner's inbox)
   */
  default void polled(String connectorKey, int issuesFound, int messagesBuilt) {}

  /**
   * A changed issue could not be examined (a tracker or outgoing mapping error); the poll went
   * on with the others and the issue is examined again at the next poll.
   */
  default void exportFailed(String connectorKey, String issueKey, String error) {}

  /**
   * A message was put in the outbox; or, between two connectors of one engine without a
   * transport, straight into the partner's inbox (then {@link #sent} and the partner's {@link
   * #received} follow at once).
   */
  default void queued(String connectorKey, SyncMessage message) {}

  /**
   * The partner acknowledged a message; it left the outbox (or, handed straight to a partner of
   * the same engine, never waited in it).
   */
  default void sent(String connectorKey, SyncMessage message) {}

  /** A delivery attempt failed; the message stays in the outbox and is retried. */
  default void deliveryFailed(String connectorKey, SyncMessage message, String reason) {}

  /** A message arrived and was stored in the inbox. */
  default void received(String connectorKey, SyncMessage message) {}

  /**
   * A message was applied to the local issue.
   *
   * @param created whether the issue was created by it
   */
  default void applied(
      String connectorKey, SyncMessage message, String localIssueKey, boolean created) {}

  /**
   * A message was consumed without touching its issue (incoming JQL not matched, or incoming
   * changes ignored for the pair).
   */
  default void ignored(String connectorKey, SyncMessage message, String reason) {}

  /**
   * A pair was unlinked because its local issue is gone: deleted in the tracker, or moved out of
   * the connector's project. The pair's row now ignores the partner's changes ({@code
   * incomingChangesIgnored}) instead of failing them, and a {@link
   * org.backbonesync.spi.message.MessageKind#GONE} message tells the partner, whose connector then
   * does what its {@code onPartnerGone} says ({@link #partnerGone}).
   *
   * <p>Also when a site restored from a backup gave a lost issue's key to a copy the sync made
   * there: the lost pair's row is then removed (it cannot keep the key), no GONE is sent, and the
   * partner unlinks its row when the copy's PAIRED names the key ({@link #partnerGone}).
   *
   * @param message the partner's message that found the issue gone (an {@link #ignored} event for
   *     it follows), the GONE message this side sends when it found out itself (a change hint
   *     named the issue), or the partner's message a copy under a lost key was made for
   * @param localIssueKey the issue that is gone (as the pair knew it)
   * @param remoteIssueKey its partner; null when not known yet
   * @since 0.1.0
   */
  default void unlinked(String connectorKey, SyncMessage message, String localIssueKey,
      String remoteIssueKey) {}

  /**
   * The partner said its issue is gone (a {@link org.backbonesync.spi.message.MessageKind#GONE}
   * message): the pair's row now ignores the partner's changes, and the local issue was left as
   * it is, marked or deleted, as the connector's {@code onPartnerGone} says. Also when the
   * partner's PAIRED gives the key of the pair's partner issue, lost in a restore of its site, to
   * another issue of ours ({@code message} is that PAIRED; a mark at most).
   *
   * @param localIssueKey the issue whose partner is gone
   * @param action what was done with it
   * @since 0.1.0
   */
  default void partnerGone(String connectorKey, SyncMessage message, String localIssueKey,
      PartnerGone.Action action) {}

  /**
   * A change from the partner met a concurrent local change of the same field (or was refused:
   * the local side is responsible); the record says who won and by which rule.
   */
  default void conflict(String connectorKey, ConflictRecord record) {}

  /** A message was dropped as a duplicate (delivered again, or its sequence id already applied). */
  default void duplicate(String connectorKey, SyncMessage message) {}

  /**
   * Applying a message failed. When {@code permanent}, it waits for an admin's retry or skip
   * (one that failed waiting for a missing sequence id is also judged again when a message of its
   * issue comes); otherwise the engine tries again after a backoff.
   */
  default void failed(String connectorKey, SyncMessage message, String error, boolean permanent) {}

  /**
   * The tracker refused a field that an incoming field mapping of the message writes (a value of
   * the wrong JSON type for the field's schema, an option the field does not have): once per
   * refused field and mapping that writes it, just before the message's {@link #failed}. Tells
   * without parsing the failure's text which mapping's values a tracker refuses; the value the
   * message gave the mapping is {@code message.fields().get(fieldMappingId)}.
   *
   * @param fieldMappingId the incoming field mapping that writes the field
   * @param field the field the tracker refused
   * @param error the tracker's text for the field
   * @since 0.1.0
   */
  default void fieldRefused(String connectorKey, SyncMessage message, String fieldMappingId,
      String field, String error) {}

  /** An admin asked for a failed message to be retried. */
  default void retried(String connectorKey, SyncMessage message) {}

  /** An admin skipped a failed message. */
  default void skipped(String connectorKey, SyncMessage message) {}

  /**
   * A step the engine ran by itself on its scheduler failed: the apply it runs when messages
   * arrive, the detection of the issues a change hint names, the delivery it runs after an
   * admin's retry or a task's page, and, after {@code start()}, the poll, delivery or apply of
   * its periodic run (once per failed step: the run's other steps go on, and the next run tries
   * the failed one again). Its work stays queued for the next run. A host that runs the steps itself ({@code
   * poll}, {@code apply}, {@code deliver}, {@code runOnce}) is thrown their failures; this tells
   * it of the ones it does not run (to judge a connector's health alike). Not called for a step
   * ended by {@code close()}.
   *
   * @param step what the step was: {@code "apply on arrival"}, {@code "detection of hinted
   *     issues"}, {@code "delivery of an admin's or a task's messages"}, {@code "periodic
   *     poll"}, {@code "periodic delivery"} or {@code "periodic apply"}
   * @param failure why it failed (the engine logs it too)
   * @since 0.1.0
   */
  default void stepFailed(String connectorKey, String step, RuntimeException failure) {}
}
