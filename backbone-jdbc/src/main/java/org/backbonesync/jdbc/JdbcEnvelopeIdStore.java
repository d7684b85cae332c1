package org.backbonesync.jdbc;

import static org.backbonesync.jdbc.JdbcSyncInfoStore.bind;
import static org.backbonesync.jdbc.JdbcSyncInfoStore.update;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import org.backbonesync.spi.store.EnvelopeIdStore;

/**
 * Envelope ids in {@code bb_envelope_id} (script {@code V3__envelope_ids.sql}). Remembering is
 * atomic through the primary key: of two nodes inserting one id, one fails and gets false; an
 * expired row is taken over by a conditional update, which one of them wins.
 */
final class JdbcEnvelopeIdStore implements EnvelopeIdStore {
  private static final String INSERT =
      "INSERT INTO bb_envelope_id (scope, envelope_id, until_ms) VALUES (?, ?, ?)";
  private final JdbcStores db;

  JdbcEnvelopeIdStore(JdbcStores db) {
    this.db = db;
  }

  @Override
  public boolean remember(String scope, String envelopeId, long expiresAt, long now) {
    return db.run(c -> {
      if (update(c, "UPDATE bb_envelope_id SET until_ms = ? WHERE scope = ? AND envelope_id = ?"
          + " AND until_ms <= ?", expiresAt, scope, envelopeId, now) > 0) {
        return true; // it had expired: taken again
      }
      if (db.postgres()) { // no refusal, so no savepoint (a round trip) and no error logged
        return update(c, INSERT + " ON CONFLICT (scope, envelope_id) DO NOTHING", scope,
            envelopeId, expiresAt) == 1;
      }
      Savepoint before = c.setSavepoint();
      try {
        update(c, INSERT, scope, envelopeId, expiresAt);
        return true;
      } catch (SQLException e) {
        c.rollback(before);
        if (!"23505".equals(e.getSQLState())) { // a unique key's violation, on H2 and PostgreSQL
          throw e; // a store that fails is no envelope taken already (an id too long, ...)
        }
        return false; // recorded already, or by another node at this moment
      }
    });
  }

  @Override
  public boolean isRemembered(String scope, String envelopeId, long now) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM bb_envelope_id"
          + " WHERE scope = ? AND envelope_id = ? AND until_ms > ?")) {
        bind(s, scope, envelopeId, now);
        try (ResultSet r = s.executeQuery()) {
          return r.next();
        }
      }
    });
  }

  @Override
  public int forgetExpired(long now) {
    return db.run(c -> update(c, "DELETE FROM bb_envelope_id WHERE until_ms <= ?", now));
  }
}
