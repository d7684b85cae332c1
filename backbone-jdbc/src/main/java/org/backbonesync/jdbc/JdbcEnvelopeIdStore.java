package org.backbonesync.jdbc;

import static org.backbonesync.jdbc.JdbcSyncInfoStore.bind;
import static org.backbonesync.jdbc.JdbcSyncInfoStore.update;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.backbonesync.spi.store.EnvelopeIdStore;

/**
 * Envelope ids in {@code bb_envelope_id} (script {@code V3__envelope_ids.sql}). Remembering is
 * atomic through the primary key: of two nodes inserting one id, one fails and gets false; an
 * expired row is taken over by a conditional update, which one of them wins.
 */
final class JdbcEnvelopeIdStore implements EnvelopeIdStore {
  private static final InsertUnlessExists INSERT = new InsertUnlessExists("bb_envelope_id",
      "scope, envelope_id, until_ms", "scope, envelope_id");
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
      // recorded already, or by another node at this moment, unless inserted now; a store
      // that fails (an id too long, ...) is thrown, not taken for an envelope seen before
      return INSERT.insert(c, db.postgres(), scope, envelopeId, expiresAt);
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
