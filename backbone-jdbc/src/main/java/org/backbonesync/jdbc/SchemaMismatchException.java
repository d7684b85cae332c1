package org.backbonesync.jdbc;

import java.util.List;
import java.util.Objects;
import org.backbonesync.spi.SyncException;

/**
 * The database's schema is not the one this version of the library ships, so the stores refuse
 * to open. Permanent: opening again fails the same way until the schema or its record in {@code
 * bb_schema_version} is put right. The message says what to do; the fields name the scripts.
 */
public final class SchemaMismatchException extends SyncException {
  private static final long serialVersionUID = 1L;

  /** Why the schema is refused. */
  public enum Reason {
    /**
     * A script recorded as applied is not the one shipped: its checksum (or its name) differs.
     * The script was edited after it was applied, or the database was set up with other scripts.
     */
    EDITED,
    /**
     * Opened with {@link JdbcStores.Schema#VALIDATE}: scripts are not recorded as applied, or
     * are recorded without a checksum (by a version of the library before checksums).
     */
    MISSING
  }

  private final Reason reason;
  private final List<String> scripts;
  private final String shippedChecksum;
  private final String recordedChecksum;

  SchemaMismatchException(Reason reason, List<String> scripts, String shippedChecksum,
      String recordedChecksum, String message) {
    super(reason + ": " + message);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.scripts = List.copyOf(scripts);
    this.shippedChecksum = shippedChecksum;
    this.recordedChecksum = recordedChecksum;
  }

  /** Why. */
  public Reason reason() {
    return reason;
  }

  /**
   * The scripts concerned, in version order, such as {@code V2__outbox_order.sql}: the edited
   * one, or every missing one.
   */
  public List<String> scripts() {
    return scripts;
  }

  /**
   * The SHA-256 checksum (lowercase hex, of the text with line endings as {@code \n}) of the
   * shipped script, for the first of {@link #scripts()}.
   */
  public String shippedChecksum() {
    return shippedChecksum;
  }

  /**
   * The checksum {@code bb_schema_version} records for the first of {@link #scripts()}, or null
   * when it records none (a missing script, or one recorded before checksums).
   */
  public String recordedChecksum() {
    return recordedChecksum;
  }
}
