package org.backbonesync.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the sparsest chunks of an embedded H2 file every {@value #COMMITS} commits, as H2's
 * background writer would: H2 runs that writer only when commits may wait ({@code WRITE_DELAY}
 * above 0), and {@link JdbcStores#h2Url} writes every commit ({@code WRITE_DELAY=0}), so without
 * this a file kept open grows with every chunk that some row written once pins (a service's file
 * reached 40 times its data in 35 minutes). The freed space is reused, so the file no longer
 * grows with every commit; it keeps the size of its busiest 45 s (H2's retention of freed space)
 * and shrinks only at a clean close.
 *
 * <p>H2 has no SQL for it, so this reaches its internal API ({@code MVStore.compact}, public in
 * H2 2.x, the version the build pins; {@code H2CompactionTest} fails when an upgrade changes it).
 * Only loaded when the database is H2. When that API is not reachable (another H2 version, a
 * module layer that does not read H2) it logs once and stops; on a database with no file in this
 * process (in memory, or on an H2 server, which compacts its own files) it stops without a word.
 */
final class H2Compaction {
  /** Commits between two compactions; each compaction rewrites about {@value #WRITE} bytes. */
  static final int COMMITS = 1000;
  static final int WRITE = 1 << 20;
  /** H2's own target: rewrite while less than this percentage of the chunks' data is live. */
  private static final int FILL_RATE = 90;

  private static final Logger log = LoggerFactory.getLogger(H2Compaction.class);

  private final AtomicLong commits = new AtomicLong();
  /** A compaction is due and has not run yet (its commit's thread was interrupted). */
  private final AtomicBoolean due = new AtomicBoolean();
  private volatile boolean off;

  /**
   * Counts a commit on the connection, and every {@value #COMMITS}th compacts its database's
   * file, on the calling thread (a few milliseconds; 0.5 s in all for 70,000 commits measured).
   * On an interrupted thread the compaction waits for a later commit: H2 would take the
   * interrupt for its own and drop it.
   */
  void committed(Connection connection) {
    if (off) {
      return;
    }
    if (commits.incrementAndGet() % COMMITS == 0) {
      due.set(true);
    }
    if (Thread.currentThread().isInterrupted() || !due.compareAndSet(true, false)) {
      return;
    }
    try {
      MVStore store = fileStore(connection);
      if (store != null) {
        store.compact(FILL_RATE, WRITE);
      } else {
        off = true; // an in-memory database, or one on an H2 server: no file here to compact
      }
    } catch (RuntimeException e) {
      if (e.getCause() instanceof InterruptedException) { // interrupted while H2 took its lock
        Thread.currentThread().interrupt();
        due.set(true);
        return;
      }
      stop(e);
    } catch (SQLException | LinkageError e) {
      stop(e);
    }
  }

  private void stop(Throwable e) {
    off = true;
    log.warn("cannot compact the H2 file while it is open ({}); it grows until a clean close",
        e.toString());
  }

  /** The file store under the connection, or null when it has no file in this process. */
  private static MVStore fileStore(Connection connection) throws SQLException {
    Session session = connection.unwrap(JdbcConnection.class).getSession();
    if (!(session instanceof SessionLocal local)) {
      return null;
    }
    MVStore store = local.getDatabase().getStore().getMvStore();
    return store.getFileStore() == null ? null : store;
  }
}
