package org.backbonesync.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catches the sequence {@code bb_stamp} up with the stamps stored in {@code bb_sync_info} when
 * the stores open. A poll leaves for the next poll every row stamped above the stamp it took
 * before its search; a counter behind the stored stamps (the tables restored without it, a
 * failover to a logical replica, which does not carry sequences, a DBA recreating it) would leave
 * every existing pair, poll after poll, until it passed their stamps again.
 *
 * <p>Never moves the counter backward, whoever opens or writes meanwhile: it never writes a value
 * into the sequence (no {@code setval}, no {@code RESTART}); the counter moves only by {@code
 * nextval}, which the database applies atomically, with a positive increment. The jump is one
 * {@code nextval} with the increment set to the distance, then the increment set back to 1. So:
 * <ul>
 *   <li>a stamp handed out to anyone, before, during or after, is never handed out again, and
 *       every stamp taken after the jump is above every stored one;
 *   <li>another session's {@code nextval} while the increment is large jumps too: a gap, and
 *       stamps need only grow, not be dense;
 *   <li>two nodes opening at once may both jump (further than needed, each logging it) or one
 *       may set the increment back before the other's {@code nextval}: the stamp taken after the
 *       jump is checked and the jump repeated while it is not above the stored stamps;
 *   <li>on PostgreSQL it all runs in one transaction: {@code ALTER SEQUENCE} locks the sequence
 *       against other sessions' {@code nextval} until the commit, and a connection lost midway
 *       rolls everything back. Nodes opening at once take turns under a transaction advisory
 *       lock first: each one's {@code nextval} holds a lock on the sequence that the other's
 *       {@code ALTER} waits for, a deadlock when two jump together. H2 commits each {@code
 *       ALTER} at once; a process killed between the two leaves the larger increment, which only
 *       widens the gaps, until the next open sets it back to 1.
 * </ul>
 * A row written after the maximum is read took its stamp from the counter, which the jump only
 * moves further, so the maximum read is all the jump must pass.
 */
final class StampSequence {
  private static final Logger log = LoggerFactory.getLogger(StampSequence.class);

  /** Jumps tried before giving up (a second is needed only when two nodes open at once). */
  private static final int ATTEMPTS = 5;

  /** First half of the PostgreSQL advisory lock key ("bbST"); the second is the schema's hash. */
  private static final int LOCK_CLASS = 0x62625354;

  private StampSequence() {}

  /**
   * Moves the counter above every stored stamp when it is behind, logging one WARN line, or
   * (validate-only mode, which changes nothing) logs what to run. Silent when it is not behind.
   *
   * @param c a connection of its own, not in a transaction
   * @param move whether it may move the counter ({@link JdbcStores.Schema#MIGRATE})
   */
  static void catchUp(Connection c, boolean move) throws SQLException {
    boolean postgres = Migrations.isPostgres(c);
    if (!postgres && move) {
      restoreIncrement(c);
    }
    long stored = maxStored(c);
    long next = next(c, postgres);
    if (next > stored) {
      return;
    }
    if (!move) {
      log.warn("the sequence bb_stamp would hand out {}, not above the greatest stamp {} in"
          + " bb_sync_info (restored without the sequence, a failover, or recreated?): polls"
          + " leave those pairs' changes until it passes them. With every node stopped, run"
          + " ALTER SEQUENCE bb_stamp RESTART WITH {}", next, stored, stored + 1);
      return;
    }
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      if (postgres) {
        takeTurns(c);
      }
      long now = jumpAbove(c, stored);
      c.commit();
      if (now > stored) {
        log.warn("moved the sequence bb_stamp from {} to {}, above the greatest stamp {} in"
            + " bb_sync_info (restored without the sequence, a failover, or recreated?)",
            next, now, stored);
      }
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /**
   * Takes stamps, jumping the counter, until one is above {@code stored}.
   *
   * @return the last stamp taken, or 0 when another node had already moved the counter
   */
  private static long jumpAbove(Connection c, long stored) throws SQLException {
    long taken = nextval(c);
    if (taken > stored) {
      return 0;
    }
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      // PostgreSQL's nextval adds the increment before it answers, H2's after: either way the
      // stamp taken after the jump is at least taken + distance + 1.
      execute(c, "ALTER SEQUENCE bb_stamp INCREMENT BY " + (stored - taken + 1));
      nextval(c);
      execute(c, "ALTER SEQUENCE bb_stamp INCREMENT BY 1");
      taken = nextval(c);
      if (taken > stored) {
        return taken;
      }
    }
    throw new SQLException("the sequence bb_stamp is still at " + taken + " after " + ATTEMPTS
        + " jumps above the greatest stamp " + stored + " in bb_sync_info");
  }

  /** Waits for the other nodes jumping the counter now, until this transaction ends. */
  private static void takeTurns(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
      s.setInt(1, LOCK_CLASS);
      s.setInt(2, String.valueOf(c.getSchema()).hashCode());
      s.execute();
    }
  }

  /**
   * Sets the increment back to 1 when a jump on H2 was cut off between its two {@code ALTER}s
   * (on PostgreSQL the jump's transaction rolls back). A node jumping at this moment finds its
   * stamp not above the stored ones and jumps again.
   */
  private static void restoreIncrement(Connection c) throws SQLException {
    long increment = queryLong(c, "SELECT INCREMENT FROM INFORMATION_SCHEMA.SEQUENCES"
        + " WHERE SEQUENCE_SCHEMA = CURRENT_SCHEMA AND SEQUENCE_NAME = 'BB_STAMP'");
    if (increment != 1) {
      execute(c, "ALTER SEQUENCE bb_stamp INCREMENT BY 1");
      log.warn("set the increment of the sequence bb_stamp back to 1 from {} (a jump above the"
          + " stored stamps was cut off)", increment);
    }
  }

  /** The greatest stamp stored; 0 for none (and for rows from before stamps). */
  private static long maxStored(Connection c) throws SQLException {
    return queryLong(c, "SELECT COALESCE(MAX(stamp), 0) FROM bb_sync_info");
  }

  /** What {@code nextval} would hand out now, read without taking it. */
  private static long next(Connection c, boolean postgres) throws SQLException {
    return postgres
        ? queryLong(c, "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END"
            + " FROM bb_stamp")
        : queryLong(c, "SELECT BASE_VALUE FROM INFORMATION_SCHEMA.SEQUENCES"
            + " WHERE SEQUENCE_SCHEMA = CURRENT_SCHEMA AND SEQUENCE_NAME = 'BB_STAMP'");
  }

  private static long nextval(Connection c) throws SQLException {
    return queryLong(c, "SELECT nextval('bb_stamp')");
  }

  private static long queryLong(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      if (!r.next()) {
        throw new SQLException("no answer to " + sql);
      }
      return r.getLong(1);
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
