package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;

/**
 * What one page of issues examined by {@link ChangedIssue} writes, committed together at the
 * page's end ({@link GroupCommit}): the messages of its paired issues, and the last change seen
 * of its rows with nothing to send. Made for one page, with whom to tell of a row whose advance
 * could not be written; used by the poll's thread only.
 */
final class ExaminedPage {
  private final Connector connector;
  private final Stores stores;
  private final Outbox outbox;
  private final Events events;
  /** Told of the oldest change of a row whose advance could not be written. */
  private final LongConsumer left;
  private final GroupCommit group;

  /**
   * @param left told, when a row's advance could not be written, of the oldest change it held:
   *     the next poll must examine it again
   */
  ExaminedPage(Connector connector, Stores stores, Outbox outbox, Events events,
      LongConsumer left) {
    this.connector = connector;
    this.stores = stores;
    this.outbox = outbox;
    this.events = events;
    this.left = left;
    // (the store down ends the page and its poll: see PageTriage)
    this.group = new GroupCommit(stores, connector.key(), true);
  }

  /**
   * The page's rows as read before its commit (nulls skipped), and last synced values of them
   * read after them: its lock may take a row whose stamp is unchanged as read, with its values
   * ({@link GroupCommit#knowRows}).
   */
  void knowRows(List<SyncInfo> rows, Map<Long, Map<String, JsonNode>> values) {
    group.knowRows(rows, values);
  }

  /**
   * Records with the page's others how far a row's changes were examined, its only news.
   *
   * @param since the oldest change the row held, told to {@code left} if this is not written
   */
  void advance(long rowId, long millis, long since) {
    group.add(new Advance(rowId, millis, since));
  }

  /**
   * Queues a paired issue's message with the page's others; one with link pairings is committed
   * at once, before another issue of the page reads them.
   *
   * @param examined the row as the draft was built from it
   * @param failed told when the message could not be queued (nothing of it was), with a {@link
   *     WrittenMeanwhile} when the row was written after it was read for the draft
   */
  void queue(SyncInfo examined, Outbox.Draft draft, long now,
      Consumer<RuntimeException> failed) {
    group.add(new Queued(examined, draft, now, failed));
    if (joinsPairs(draft.content().keySet())) {
      group.commit(); // its link pairings, before another issue of the page reads them
    }
  }

  /**
   * Writes the page's messages and the last change seen of its rows with nothing to send, in
   * one transaction unless that fails, with {@code last} (the page's claims given back) after
   * them in it. A failure of the store as a whole ({@link StoreDown}) is thrown: nothing of
   * the page is written.
   *
   * @return whether {@code last} was committed with them
   */
  boolean commit(Runnable last) {
    return group.commit(last);
  }

  /** Whether one of these flows keeps what other pairs read (issue links). */
  private boolean joinsPairs(Set<String> flowIds) {
    for (ContentFlow flow : connector.flowsOut) {
      if (flow.joinsPairs() && flowIds.contains(flow.id())) {
        return true;
      }
    }
    return false;
  }

  /**
   * How far a row's changes were examined, when that is its only news: only this column is
   * written (another node may have written the row since it was read here).
   */
  private final class Advance implements GroupCommit.Part {
    private final long rowId;
    private final long millis;
    private final long since;

    Advance(long rowId, long millis, long since) {
      this.rowId = rowId;
      this.millis = millis;
      this.since = since;
    }

    @Override
    public long order() {
      return rowId;
    }

    @Override
    public void write() {
      stores.syncInfo().advanceLastChangeSeen(connector.key(), rowId, millis);
    }

    @Override
    public boolean readsRow() {
      return false;
    }

    @Override
    public void committed() {}

    @Override
    public void failed(RuntimeException failure) {
      left.accept(since);
    }
  }

  /**
   * The row of a draft was written after the poll read it (by an apply the poll's claims could
   * not keep out: one under the partner's new key after a rename, or one that gave a row its
   * partner): the draft may take a comment the apply copied for deleted, so nothing of it is
   * queued and the issue is examined again next poll.
   */
  static final class WrittenMeanwhile extends GroupCommit.NothingWritten {
    private static final long serialVersionUID = 1L;

    WrittenMeanwhile(SyncInfo row) {
      super("sync information " + row.id() + " of " + row.localIssueKey()
          + " was written since the poll read it; examined again next poll");
    }
  }

  /**
   * The row's stamp under the lock is below the one the poll read: stamps only grow, so either
   * the store's counter went back while running (a failover that does not carry sequences: the
   * JDBC store moves it on only when it opens) and the row was written since, or the store's
   * locking read shows another stamp than its other reads. The issue waits for the next poll
   * either way; unlike a plain write meanwhile, this is reported.
   */
  static final class StampWentDown extends GroupCommit.NothingWritten {
    private static final long serialVersionUID = 1L;

    StampWentDown(SyncInfo current, SyncInfo examined) {
      super("sync information " + current.id() + " shows stamp " + current.stamp()
          + " under its lock, below the " + examined.stamp() + " read before: the store's stamp"
          + " counter went back (a failover? move it past the greatest stored stamp), or"
          + " SyncInfoStore.findByIdForUpdate does not show the stored stamp");
    }
  }

  /** A paired issue's message, queued with the page's others. */
  private final class Queued implements GroupCommit.Part {
    private final SyncInfo examined;
    private final Outbox.Draft draft;
    private final long now;
    private final Consumer<RuntimeException> failed;
    private SyncMessage message;

    Queued(SyncInfo examined, Outbox.Draft draft, long now, Consumer<RuntimeException> failed) {
      this.examined = examined;
      this.draft = draft;
      this.now = now;
      this.failed = failed;
    }

    @Override
    public long order() {
      return examined.id();
    }

    @Override
    public void write() {
      SyncInfo current = connector.lockRow(stores, examined.id());
      // (compared under the row's lock, after the claims and the stamp check at the search:
      // an apply that committed after those is seen here, or writes after this transaction)
      if (current.stamp() < examined.stamp()) {
        throw new StampWentDown(current, examined);
      }
      if (current.stamp() != examined.stamp()) {
        throw new WrittenMeanwhile(current);
      }
      message = outbox.send(current, draft, now);
    }

    @Override
    public void committed() {
      try (LogContext step = LogContext.issue(draft.issue().key())) {
        outbox.committed(message);
      }
    }

    @Override
    public void failed(RuntimeException failure) {
      try (LogContext step = LogContext.issue(draft.issue().key())) {
        failed.accept(failure);
      }
    }
  }
}
