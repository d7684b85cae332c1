/**
 * Backbone Sync's stores on plain JDBC: {@link org.backbonesync.jdbc.JdbcStores}, on H2 embedded
 * or PostgreSQL, with a schema the library creates and upgrades itself.
 *
 * <p>The schema is a few versioned scripts ({@code V1__initial.sql}, {@code
 * V2__outbox_order.sql}, ...) shipped in this jar under {@code org/backbonesync/jdbc/}, applied
 * in order by a small class of our own and recorded in {@code bb_schema_version} with the SHA-256
 * of each script. Not Flyway or Liquibase, on purpose: this is a library embedded in hosts that
 * may run their own Flyway (of another version, with its own history table and settings), and a
 * migration tool on their class path for a dozen tables would be a dependency to reconcile, not
 * a help. Nodes that start together take turns under a database lock (a PostgreSQL advisory lock;
 * elsewhere a lock of the process per database, then a locked row of {@code bb_schema_lock}). A
 * DBA who applies the scripts by hand runs {@code bb_schema_version.sql} (beside them) to record
 * them, and the library opened with {@link org.backbonesync.jdbc.JdbcStores.Schema#VALIDATE}
 * checks them without changing anything.
 *
 * <p>Inside a transaction, the writes whose answer nobody needs before the commit (a row's update
 * with its keys kept, synced values, pending changes, the outbox's inserts, the inbox's deletes)
 * wait and go as one JDBC batch per statement at the next other statement or the commit
 * ({@code TransactionWrites}): a group commit of many issue pairs costs a few round trips, not a
 * few per pair. On PostgreSQL each such batch of several rows is one statement over arrays of
 * their columns ({@code ManyRows}), which costs the server about half the CPU of a batch of
 * single-row statements.
 *
 * <p>May use the SPI (and Jackson, which is part of it), JDBC, SLF4J and jakarta.inject; never
 * the engine. The driver is the host's.
 */
package org.backbonesync.jdbc;
