package org.backbonesync.core.internal;

import java.util.Collection;
import java.util.Optional;
import java.util.function.Function;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a pair's local issue when it is gone or has another key. Deleted in the tracker, moved
 * out of the connector's project, or out of its JQL, the pair is unlinked (its row ignores the
 * partner's changes from now on) and a GONE message tells the partner; found under another key
 * within the project (a project renamed), the row follows it. Noticed when a message to the issue
 * fails or finds it under another key or outside the JQL, and when a change hint names an issue
 * the search no longer finds.
 */
final class GoneIssues {
  private static final Logger log = LoggerFactory.getLogger(GoneIssues.class);

  /** An apply found the row's issue under another key (a tracker follows moved keys). */
  static final class KeyChanged extends SyncException {
    private static final long serialVersionUID = 1L;
    private final String newKey;

    KeyChanged(String connectorKey, String oldKey, String newKey) {
      super(oldKey + " is now " + newKey, null, connectorKey, oldKey, null);
      this.newKey = newKey;
    }
  }

  /**
   * An apply found the row's issue outside the connector's JQL: one of this side's issues (not
   * one the sync created here) that no longer matches.
   */
  static final class LeftScope extends SyncException {
    private static final long serialVersionUID = 1L;

    LeftScope(String connectorKey, String localKey, String jql) {
      super(localKey + " no longer matches the JQL \"" + jql + "\"", null, connectorKey,
          localKey, null);
    }
  }

  /**
   * An apply found another issue under the row's key than the one paired: see {@link
   * #replaced}.
   */
  static final class Replaced extends SyncException {
    private static final long serialVersionUID = 1L;

    Replaced(String connectorKey, String localKey) {
      super(localKey + " is another issue than the one paired", null, connectorKey, localKey,
          null);
    }
  }

  /**
   * How much later than a change its row has seen an issue may have been created and still be
   * the issue paired: none can be, since an issue's changes follow its creation on one clock,
   * the tracker's (an import keeps a time given, or the engine's, at least the moment before the
   * issue's creation), but the nodes of a Jira Data Center cluster each stamp with their own
   * clock. A minute let a new issue made within it of a lost one's last change (a fake site
   * reset in seconds) take the lost one's pair and partner (found trying the service).
   */
  static final long REPLACED_LEEWAY_MILLIS = 5_000;

  /**
   * Whether the issue under a pair's key is not the one paired: it was created after a change
   * of the paired issue the row has seen. A Jira site restored from a backup gives the keys of
   * the issues it lost to new, unrelated ones; their changes must not overwrite the partner's
   * issue, nor the partner's changes them. A row that has seen no change (0) tells nothing.
   */
  static boolean replaced(SyncInfo row, TrackedIssue issue) {
    return row.lastChangeSeen() > 0
        && issue.created() > row.lastChangeSeen() + REPLACED_LEEWAY_MILLIS;
  }

  /** Why a pair's issue is gone: the GONE message's reason, and the new key of a move. */
  record Gone(String reason, String movedTo) {
    static final Gone DELETED = new Gone("deleted", null);
    /** Not found, where the tracker cannot tell a deletion from an issue hidden from it. */
    static final Gone NOT_FOUND = new Gone("notFound", null);
    static final Gone OUT_OF_SCOPE = new Gone("outOfScope", null);
    static final Gone REPLACED = new Gone("replaced", null);

    static Gone movedTo(String key) {
      return new Gone("moved", key);
    }
  }

  private final Connector connector;
  private final Stores stores;
  private final Events events;
  private final Outbox outbox;

  GoneIssues(Connector connector, Stores stores, Events events, Outbox outbox) {
    this.connector = connector;
    this.stores = stores;
    this.events = events;
    this.outbox = outbox;
  }

  /**
   * Applies the message to the recorded row's issue. When the issue has a new key in the
   * project, the row follows it and the message is applied there; when the issue is gone
   * (deleted, or moved out of the project) or out of the connector's JQL, the pair is unlinked
   * instead. Any other failure is thrown as it is.
   */
  ApplyOutcome applyOrUnlink(SyncInfo row, SyncMessage message, long now,
      Function<SyncInfo, ApplyOutcome> apply) {
    try {
      return apply.apply(row);
    } catch (KeyChanged moved) {
      if (connector.inProject(moved.newKey)) {
        SyncInfo followed = RenamedProject.rekey(connector, stores, row, moved.newKey);
        return applyOrUnlink(followed, message, now, apply);
      }
      return unlink(row, message, Gone.movedTo(moved.newKey), now);
    } catch (LeftScope left) {
      return unlink(row, message, Gone.OUT_OF_SCOPE, now);
    } catch (Replaced replaced) {
      return unlink(row, message, Gone.REPLACED, now);
    } catch (RetriableException e) {
      throw e;
    } catch (RuntimeException e) {
      Gone gone = gone(row.localIssueKey(), e);
      if (gone == null) {
        throw e;
      }
      return unlink(row, message, gone, now);
    }
  }

  /**
   * Why a failure to apply came from the local issue being gone, or null when it did not. The
   * failure alone cannot tell (a tracker says 404 for a missing issue, user or option alike), so
   * the issue is read again; only a failed apply pays for that read. A transient failure of that
   * read, or of the tracker's {@link #notFound} check, is thrown for a retry: the issue may well
   * be gone, and a failure for an admin would hold the pair's messages until one retries it.
   */
  private Gone gone(String localKey, RuntimeException failure) {
    try {
      return connector.tracker.issue(localKey).isEmpty() ? notFound(localKey) : null;
    } catch (RetriableException readFailed) {
      readFailed.addSuppressed(failure);
      throw readFailed;
    } catch (RuntimeException readFailed) {
      failure.addSuppressed(readFailed);
      return null;
    }
  }

  /**
   * A paired issue the tracker does not find: deleted when the tracker confirms it, else only
   * not found (Jira answers an issue hidden from the sync user as it answers a deleted one), which
   * the partner never answers with a delete.
   */
  private Gone notFound(String localKey) {
    return connector.tracker.deletionConfirmed(localKey) ? Gone.DELETED : Gone.NOT_FOUND;
  }

  /**
   * Reads again the paired issues a change hint named that the search did not find: one that is
   * gone, or one of this side's that no longer matches the connector's JQL, unlinks its pair;
   * one under a new key in the project takes its row along. An issue that is there and in scope
   * (the hint was old) is left alone.
   */
  void checkMissing(Collection<String> issueKeys, long now) {
    for (String key : issueKeys) {
      Optional<SyncInfo> row = stores.syncInfo().findByLocalKey(connector.key(), key);
      if (row.isEmpty() || row.get().incomingChangesIgnored()) {
        continue;
      }
      Optional<TrackedIssue> issue = connector.tracker.issue(key);
      if (issue.isEmpty()) {
        unlinkFound(row.get(), notFound(key), now);
      } else if (!issue.get().key().equals(key)) {
        String newKey = issue.get().key();
        if (connector.inProject(newKey)) {
          RenamedProject.rekey(connector, stores, row.get(), newKey);
        } else {
          unlinkFound(row.get(), Gone.movedTo(newKey), now);
        }
      } else if (leftScope(connector, issue.get())) {
        unlinkFound(row.get(), Gone.OUT_OF_SCOPE, now);
      }
    }
  }

  /**
   * Why the row's own issue is not the one paired any more, as the tracker answers for the row's
   * key now: deleted (or not found), moved out of the project, out of the connector's JQL, or
   * replaced by another issue under the key ({@link #replaced}); empty when it is there, or
   * under a new key in the project (a poll's re-key follows it). A failure to read is thrown.
   */
  Optional<Gone> ownIssueGone(SyncInfo row) {
    String key = row.localIssueKey();
    Optional<TrackedIssue> issue = connector.tracker.issue(key);
    if (issue.isEmpty()) {
      return Optional.of(notFound(key));
    }
    String newKey = issue.get().key();
    if (!newKey.equals(key)) {
      return connector.inProject(newKey) ? Optional.empty() : Optional.of(Gone.movedTo(newKey));
    }
    return replaced(row, issue.get()) ? Optional.of(Gone.REPLACED)
        : leftScope(connector, issue.get()) ? Optional.of(Gone.OUT_OF_SCOPE) : Optional.empty();
  }

  /**
   * Consumes a PAIRED for a row unlinked before whose own issue is {@code gone}, in one
   * transaction with {@code first} (a key given up): the row records the partner's key and stays
   * unlinked, and the partner is told, as when a poll finds the issue gone (told even when it
   * was before: its row, unlinked then, consumes the second GONE). A failure leaves the PAIRED
   * queued, and nothing of this written.
   */
  ApplyOutcome unlinkPaired(SyncInfo row, SyncMessage paired, Runnable first, Gone gone,
      long now) {
    String localKey = row.localIssueKey();
    SyncInfo[] unlinked = new SyncInfo[1];
    SyncMessage told = stores.inTransaction(() -> {
      first.run();
      unlinked[0] = connector.consume(stores, row.id(), paired, now,
          current -> current.withRemoteIssueKey(paired.sourceIssueKey())
              .withIncomingChangesIgnored(true));
      return tell(unlinked[0], gone, now);
    });
    String reason = what(localKey, gone) + "; paired with " + paired.sourceIssueKey()
        + " but not linked, and the partner is told";
    log.warn("{}: {}", connector.key(), reason);
    events.unlinked(connector.key(), told, localKey, paired.sourceIssueKey());
    events.ignored(connector.key(), paired, reason);
    outbox.committed(told);
    return new ApplyOutcome.Ignored(paired, localKey, reason);
  }

  /**
   * Whether a paired issue is out of the connector's JQL: one of this side's (an issue the sync
   * created here for the partner's need not match it: the JQL chooses what this side sends) that
   * does not match it now. One JQL search, only with a JQL.
   */
  static boolean leftScope(Connector connector, TrackedIssue issue) {
    String jql = connector.config.jql();
    return jql != null && connector.partnerInMarker(issue.originMarker()) == null
        && !connector.tracker.matches(issue.key(), jql);
  }

  /**
   * Unlinks a pair whose local issue is gone, found by a message to it: its row ignores the
   * partner's changes from now on (an admin may take them again), the message is consumed and
   * the partner is told; the partner does with its issue what its connector says.
   */
  private ApplyOutcome unlink(SyncInfo row, SyncMessage message, Gone gone, long now) {
    String localKey = row.localIssueKey();
    String reason = what(localKey, gone)
        + "; the pair is unlinked and its incoming changes are ignored";
    SyncInfo[] unlinked = new SyncInfo[1];
    SyncMessage told = stores.inTransaction(
        () -> {
          boolean[] before = new boolean[1];
          unlinked[0] = connector.consume(stores, row.id(), message, now, current -> {
            before[0] = current.incomingChangesIgnored();
            return current.withIncomingChangesIgnored(true);
          });
          // (another step may have unlinked it meanwhile, and told the partner)
          return before[0] ? null : tell(unlinked[0], gone, now);
        });
    log.warn("{}: {}; partner issue {} is told", connector.key(), reason,
        unlinked[0].remoteIssueKey());
    events.unlinked(connector.key(), message, localKey, unlinked[0].remoteIssueKey());
    events.ignored(connector.key(), message, reason);
    if (told != null) {
      outbox.committed(told);
    }
    return new ApplyOutcome.Ignored(message, localKey, reason);
  }

  /**
   * Unlinks a pair whose key a poll or a resend found on another issue than the one paired
   * ({@link #replaced}), unless it is unlinked already: nothing of it is sent, the partner is
   * told and marks its issue at most.
   */
  void unlinkReplaced(SyncInfo row, long now) {
    if (!row.incomingChangesIgnored()) {
      unlinkFound(row, Gone.REPLACED, now);
    }
  }

  /** Unlinks a pair whose local issue is gone, found by a change hint naming it. */
  private void unlinkFound(SyncInfo row, Gone gone, long now) {
    SyncMessage told = stores.inTransaction(
        () -> {
          SyncInfo current = connector.lockRow(stores, row.id());
          if (current.incomingChangesIgnored()) {
            return null;
          }
          SyncInfo unlinked = current.withIncomingChangesIgnored(true);
          stores.syncInfo().update(unlinked);
          return tell(unlinked, gone, now);
        });
    if (told == null) {
      return;
    }
    log.warn("{}: {}; the pair is unlinked and partner issue {} is told", connector.key(),
        what(row.localIssueKey(), gone), row.remoteIssueKey());
    events.unlinked(connector.key(), told, row.localIssueKey(), row.remoteIssueKey());
    outbox.committed(told);
  }

  /**
   * Queues a GONE message for the partner's row; none when this row has sent nothing (the
   * partner knows nothing of the pair). The partner's key need not be known yet: the partner
   * finds its row by our issue's key, or gets the GONE after the message that makes it.
   */
  private SyncMessage tell(SyncInfo unlinked, Gone gone, long now) {
    return unlinked.remoteIssueKey() == null && unlinked.outgoingMessageSequenceId() == 0 ? null
        : outbox.appendGone(unlinked, gone.reason(), gone.movedTo(), now);
  }

  private String what(String localKey, Gone gone) {
    if (gone.movedTo() != null) {
      return localKey + " moved to " + gone.movedTo() + ", out of project "
          + connector.config.projectKey();
    }
    if (gone == Gone.REPLACED) {
      return localKey + " is another issue than the one paired (created after the pair last saw"
          + " a change of it: a site restored from a backup gives lost issues' keys to new ones;"
          + " keep its sync information: deleted, the partner's origin marker pairs them again)";
    }
    if (gone == Gone.NOT_FOUND) {
      return localKey + " is not found in " + connector.key() + " (deleted, or hidden from the"
          + " sync user, as by an issue security level: the tracker cannot tell which; the"
          + " partner is told so, and never deletes its issue for it)";
    }
    return gone == Gone.OUT_OF_SCOPE
        ? localKey + " no longer matches the JQL of " + connector.key()
        : localKey + " no longer exists in " + connector.key();
  }
}
