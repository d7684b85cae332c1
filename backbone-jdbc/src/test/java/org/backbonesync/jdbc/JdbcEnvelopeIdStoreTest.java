package org.backbonesync.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.function.Supplier;
import org.backbonesync.spi.store.ConflictStore;
import org.backbonesync.spi.store.EnvelopeIdStore;
import org.backbonesync.spi.store.LeaseStore;
import org.backbonesync.spi.store.MessageStore;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.store.TaskStore;
import org.backbonesync.spi.store.WatermarkStore;
import org.backbonesync.testkit.kit.EnvelopeIdStoreCompatibilityKit;
import org.junit.jupiter.api.Nested;

/**
 * The JDBC envelope id store on H2 passes its compatibility kit. Until {@code
 * V3__envelope_ids.sql} is in {@link Migrations#SCRIPTS} and {@link JdbcStores#envelopeIds()}
 * returns this store, the test applies the script itself and hands the store out.
 */
class JdbcEnvelopeIdStoreTest {
  static final String SCRIPT = "V3__envelope_ids.sql";

  /** Fresh H2 stores whose {@code envelopeIds()} is the JDBC envelope id store. */
  static Stores fresh() {
    JdbcStores db = (JdbcStores) H2StoresTest.fresh();
    if (!Migrations.SCRIPTS.contains(SCRIPT)) {
      db.run(c -> {
        try (Statement s = c.createStatement()) {
          for (String statement : script().split(";")) {
            if (!statement.isBlank()) {
              s.execute(statement);
            }
          }
        }
        return null;
      });
    }
    return new WithEnvelopeIds(db, new JdbcEnvelopeIdStore(db));
  }

  private static String script() {
    try (InputStream in = JdbcStores.class.getResourceAsStream(SCRIPT)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Nested
  class EnvelopeIds extends EnvelopeIdStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return fresh();
    }
  }

  /** JDBC stores with the envelope id store added. */
  private record WithEnvelopeIds(JdbcStores db, EnvelopeIdStore envelopeIds) implements Stores {
    @Override
    public SyncInfoStore syncInfo() {
      return db.syncInfo();
    }

    @Override
    public MessageStore messages() {
      return db.messages();
    }

    @Override
    public WatermarkStore watermarks() {
      return db.watermarks();
    }

    @Override
    public TaskStore tasks() {
      return db.tasks();
    }

    @Override
    public ConflictStore conflicts() {
      return db.conflicts();
    }

    @Override
    public LeaseStore leases() {
      return db.leases();
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
      return db.inTransaction(work);
    }
  }
}
