package org.backbonesync.jdbc;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.store.ConflictStore;
import org.backbonesync.spi.store.EnvelopeIdStore;
import org.backbonesync.spi.store.LeaseStore;
import org.backbonesync.spi.store.MessageStore;
import org.backbonesync.spi.store.StoreUnavailableException;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.store.TaskStore;
import org.backbonesync.spi.store.TraceStore;
import org.backbonesync.spi.store.WatermarkStore;

/**
 * Every store on plain JDBC, in one database: H2 embedded (the default when a host gives only a
 * directory) or PostgreSQL (or any database that speaks the same SQL), through the host's {@link
 * DataSource}. A transaction of {@link #inTransaction} is one database transaction on one
 * connection bound to the calling thread. Thread-safe.
 *
 * <p>The schema comes from versioned scripts shipped in this jar ({@code
 * org/backbonesync/jdbc/V<n>__<name>.sql}), each recorded in {@code bb_schema_version} with its
 * checksum. By default opening creates or upgrades it ({@link Schema#MIGRATE}); any number of
 * nodes may open the same database at once, and each script is applied once. A database whose
 * DBA applies the scripts by hand is opened with {@link Schema#VALIDATE}, which changes nothing.
 *
 * <p>Opening also checks that the sequence {@code bb_stamp} is ahead of the stamps stored in
 * {@code bb_sync_info} (it is not after the tables were restored without it, a failover to a
 * logical replica, or a DBA recreating it; polls would then leave every existing pair's changes
 * for later, poll after poll). When it is behind, {@link Schema#MIGRATE} moves it forward, never
 * backward, safely while other nodes open or write, and logs it at WARN; {@link
 * Schema#VALIDATE} logs at WARN the statement that moves it. This reads {@code bb_sync_info}
 * once, whole.
 *
 * <p>{@link #close()} gives back what the stores opened: the connections they keep (and so the
 * H2 files, which close with their last connection). A host's own {@link DataSource} is left
 * open; only the connections borrowed from it are returned.
 *
 * <pre>{@code
 * try (JdbcStores stores = JdbcStores.inDirectory(Path.of("/var/lib/backbone"))) { // H2 files
 *   ...
 * }
 * JdbcStores stores = JdbcStores.open(dataSource);                  // the host's database
 * JdbcStores stores = JdbcStores.open(dataSource, Schema.VALIDATE); // scripts applied by hand
 * }</pre>
 */
public final class JdbcStores implements Stores, AutoCloseable {
  /** What opening does with the database's schema. */
  public enum Schema {
    /**
     * Creates the schema in an empty database, upgrades an older one, and refuses one where an
     * applied script was edited. Nodes opening at once take turns under a database lock (an
     * advisory lock on PostgreSQL; elsewhere a row of a one-row table {@code bb_schema_lock},
     * held by a second connection while the scripts run, so a host's pool must have two
     * connections to give). Moves the sequence {@code bb_stamp} above the stored stamps when it
     * is behind them. The default.
     */
    MIGRATE,
    /**
     * Changes nothing in the database, not even the lock table: checks that every shipped
     * script is recorded in {@code bb_schema_version} with its checksum and refuses to open
     * otherwise, naming what is missing and the statements that record it. For databases whose
     * DBA applies the scripts by hand. A sequence {@code bb_stamp} behind the stored stamps is
     * left as it is, with a WARN line naming the statement that moves it.
     */
    VALIDATE
  }

  /** Open until {@link #close()}; then every call fails as the store unavailable. */
  private enum State { OPEN, CLOSED }

  private final DataSource dataSource;
  /** Idle connections, kept only for databases opened by URL (a host's DataSource pools). */
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
  private final boolean keepConnections;
  private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
  private final ThreadLocal<Connection> current = new ThreadLocal<>();
  /** The current transaction's writes not sent yet, and the rows it locked ahead. */
  private final ThreadLocal<TransactionWrites> writes = new ThreadLocal<>();
  private final CorruptRows corrupt = new CorruptRows();
  private final JdbcSyncInfoStore syncInfo = new JdbcSyncInfoStore(this);
  private final JdbcMessageStore messages = new JdbcMessageStore(this);
  private final JdbcSmallStores small = new JdbcSmallStores(this);
  private final JdbcConflictStore conflicts = new JdbcConflictStore(this);
  private final JdbcLeaseStore leases = new JdbcLeaseStore(this);
  private final JdbcEnvelopeIdStore envelopeIds = new JdbcEnvelopeIdStore(this);
  private final JdbcTraceStore trace = new JdbcTraceStore(this);
  /** The database's forms of batched writes for many rows (PostgreSQL's), set when opened. */
  private volatile Map<String, ManyRows> manyRows = Map.of();
  private volatile boolean textAsBytes;
  /** Whether the database is PostgreSQL, set when opened. */
  private volatile boolean postgres;
  /** The file's compaction while open when the database is H2 ({@link H2Compaction}), or null. */
  private volatile H2Compaction compaction;
  /** Whether opening succeeded: a refused connection before is the configuration's error. */
  private volatile boolean opened;

  private JdbcStores(DataSource dataSource) {
    this.dataSource = dataSource;
    this.keepConnections = dataSource instanceof DriverManagerDataSource;
  }

  /**
   * Opens the stores on a host's database, creating or upgrading the schema ({@link
   * Schema#MIGRATE}).
   *
   * @throws SchemaMismatchException when a script applied to the database was edited
   * @throws SyncException when the database cannot be reached or upgraded
   */
  public static JdbcStores open(DataSource dataSource) {
    return open(dataSource, Schema.MIGRATE);
  }

  /**
   * Opens the stores on a host's database, migrating or only validating its schema.
   *
   * @param schema {@link Schema#MIGRATE} to create or upgrade the schema; {@link
   *     Schema#VALIDATE} to change nothing and refuse a schema that lacks a script
   * @throws SchemaMismatchException when a script applied to the database was edited, or, in
   *     validate-only mode, when scripts are not recorded as applied
   * @throws SyncException when the database cannot be reached or upgraded
   */
  public static JdbcStores open(DataSource dataSource, Schema schema) {
    return open(dataSource, schema, Migrations.shipped());
  }

  /** Opens with the given scripts (tests add a version of their own). */
  static JdbcStores open(DataSource dataSource, Schema schema, Migrations migrations) {
    Objects.requireNonNull(schema, "schema");
    JdbcStores stores = new JdbcStores(Objects.requireNonNull(dataSource, "dataSource"));
    try {
      if (schema == Schema.MIGRATE) {
        migrations.migrate(stores.connections());
      } else {
        migrations.validate(stores.connections());
      }
      stores.catchUpStamps(schema == Schema.MIGRATE);
      boolean postgres = Migrations.isPostgres(stores.connections());
      stores.postgres = postgres;
      stores.manyRows = postgres ? manyRowForms() : Map.of();
      stores.textAsBytes = postgres && stores.sendsUtf8();
      stores.compaction = postgres ? null : stores.h2Compaction();
      stores.opened = true;
      return stores;
    } catch (RuntimeException | Error e) {
      stores.close();
      throw e;
    }
  }

  /**
   * Opens H2 database files in a directory (created when missing). Needs the H2 driver ({@code
   * com.h2database:h2}) on the classpath. Every commit is written to the files before it returns
   * ({@code WRITE_DELAY=0}; H2 otherwise keeps the last half second of commits in memory), so a
   * process killed at any point loses no committed step. The files are opened through H2's
   * {@code async:} file system: H2's default file channel is closed by the interrupt of a thread
   * writing through it (a host's {@code Future.cancel(true)}, an executor's {@code
   * shutdownNow()}), which closed the database for the rest of the process; now such a write
   * succeeds and the thread keeps its interrupt. {@link #close()} closes the files once no other
   * connection of this process has them open.
   *
   * @throws IllegalArgumentException when the directory is null, or its path holds a {@code ;}
   *     (H2's URL takes everything after one as settings, even statements to run)
   * @throws UncheckedIOException when the directory cannot be created or is not writable (its
   *     message says why, in one line, before H2 is asked anything)
   */
  public static JdbcStores inDirectory(Path directory) {
    String url = h2Url(directory);
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
          : Files.isSymbolicLink(directory) ? "a symbolic link to " + target(directory)
              + ", which does not exist" : e.getClass().getSimpleName();
      throw new UncheckedIOException("cannot create the store directory "
          + directory.toAbsolutePath() + " (" + why + ")", e);
    }
    if (!Files.isWritable(directory)) {
      throw new UncheckedIOException("the store directory " + directory.toAbsolutePath()
          + " is not writable by this process", new AccessDeniedException(directory.toString()));
    }
    Path file = directory.resolve("backbone.mv.db");
    if (Files.isSymbolicLink(file) && !Files.exists(file)) { // (H2: "may be already in use")
      throw new UncheckedIOException("the store file " + file.toAbsolutePath() + " is a symbolic"
          + " link to " + target(file) + ", which does not exist (H2 would call the database in"
          + " use): remove the link, or link the store directory instead",
          new NoSuchFileException(file.toString()));
    }
    return open(new DriverManagerDataSource(url, null, null));
  }

  private static String target(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return "a path that cannot be read";
    }
  }

  /**
   * The JDBC URL {@link #inDirectory} opens, for a host's own tools on the same files (a backup,
   * a console, a {@link DataSource} of its own) with the same settings. In the same process use
   * this URL, not one of H2's {@code file:} form: H2 takes the two for two databases, and the
   * second is refused as "already in use".
   *
   * @throws IllegalArgumentException when the directory is null, or its path holds a {@code ;}
   */
  public static String h2Url(Path directory) {
    if (directory == null) {
      throw new IllegalArgumentException("directory is required, was null");
    }
    String path = directory.toAbsolutePath().resolve("backbone").toString();
    if (path.indexOf(';') >= 0) {
      // H2 reads the URL up to the first ';' as the file and the rest as settings: INIT=...
      // runs SQL, MODE=... changes the database; it has no escape for a ';' in a file name
      throw new IllegalArgumentException("directory must not hold a \";\" (H2 would read what"
          + " follows as settings of its URL), was " + directory.toAbsolutePath());
    }
    return "jdbc:h2:async:" + path + ";WRITE_DELAY=0";
  }

  /**
   * Opens a database by URL, user and password, through {@link DriverManager}, creating or
   * upgrading the schema. The stores keep a few idle connections until {@link #close()}.
   */
  public static JdbcStores atUrl(String url, String user, String password) {
    return open(new DriverManagerDataSource(url, user, password));
  }

  @Override
  public SyncInfoStore syncInfo() {
    return syncInfo;
  }

  @Override
  public MessageStore messages() {
    return messages;
  }

  @Override
  public WatermarkStore watermarks() {
    return small;
  }

  @Override
  public TaskStore tasks() {
    return small.tasks();
  }

  @Override
  public ConflictStore conflicts() {
    return conflicts;
  }

  @Override
  public LeaseStore leases() {
    return leases;
  }

  @Override
  public TraceStore trace() {
    return trace;
  }

  @Override
  public EnvelopeIdStore envelopeIds() {
    return envelopeIds;
  }

  @Override
  public <T> T inTransaction(Supplier<T> work) {
    if (current.get() != null) {
      return work.get();
    }
    Connection connection = borrow(false);
    current.set(connection);
    TransactionWrites outer = writes.get(); // (of the transaction a write alone stepped out of)
    TransactionWrites mine = new TransactionWrites(connection, manyRows);
    writes.set(mine);
    RuntimeException failed = null;
    try {
      T result = work.get();
      send(mine);
      connection.commit();
      H2Compaction h2 = compaction;
      if (h2 != null) {
        h2.committed(connection);
      }
      return result;
    } catch (RuntimeException | Error e) {
      failed = e instanceof RuntimeException r ? r : null;
      try {
        connection.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    } catch (SQLException e) {
      failed = failure("commit failed", e);
      throw failed;
    } finally {
      current.remove();
      writes.set(outer);
      giveBack(connection, failed);
    }
  }

  /** Sends the transaction's waiting writes; a failure rolls the transaction back. */
  private static void send(TransactionWrites waiting) {
    try {
      waiting.flush();
    } catch (SQLException e) {
      throw failure("database operation failed", e);
    }
  }

  /**
   * Closes the connections these stores keep, and with the last of them a database they opened
   * by URL or directory (H2 closes its files with its last connection, unless the URL says
   * {@code DB_CLOSE_DELAY=-1}). A transaction still running ends as it would have, and then its
   * connection is closed. Leaves a host's {@link DataSource} open: only the connections borrowed
   * from it are given back. Every later call fails with {@link StoreUnavailableException}
   * ("... is closed"), asking no connection of anyone: a step of an engine still running ends
   * there, as where the database is gone. Idempotent.
   */
  @Override
  public void close() {
    if (state.compareAndSet(State.OPEN, State.CLOSED)) {
      closeIdle();
    }
  }

  private void closeIdle() {
    for (Connection c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
      closeQuietly(c);
    }
  }

  /**
   * A connection: one kept idle, or a new one. A kept one that fails as it is set up (H2
   * refuses to commit a database it closed, a connection the server ended fails its COMMIT) is
   * closed with the others kept, and a new one opened: the call goes on where the database is
   * back, instead of failing with the store unavailable for each connection kept.
   */
  private Connection borrow(boolean autoCommit) {
    if (state.get() == State.CLOSED) {
      throw new StoreUnavailableException(this + " is closed", null);
    }
    Connection kept = idle.pollFirst();
    if (kept != null) {
      try {
        if (!kept.isClosed()) {
          kept.setAutoCommit(autoCommit);
          return kept;
        }
      } catch (SQLException e) {
        // (H2 refuses a closed database's connection so: those kept with it are the same's)
        closeIdle();
      }
      closeQuietly(kept);
    }
    try {
      Connection connection = dataSource.getConnection();
      connection.setAutoCommit(autoCommit);
      return connection;
    } catch (SQLException e) {
      if (opened && refusal(e) != null) {
        dropOldConnections();
      }
      throw cannotConnect(e, database(dataSource), opened);
    }
  }

  /**
   * After the database refused a new connection of open stores (a password rotated, a role
   * locked): the connections opened before would go on working until they end (HikariCP keeps
   * one up to 30 minutes), so that some calls succeed and others fail, and the refusal shows
   * late. The connections kept idle here are closed, and a host's pool that can evict (HikariCP's
   * {@code getHikariPoolMXBean().softEvictConnections()}: the idle ones at once, those in use as
   * they come back) is told to, so that every call meets the refusal until it is mended.
   */
  private void dropOldConnections() {
    closeIdle();
    try {
      Object hikari = hikariBehind(dataSource);
      Object pool = hikari.getClass().getMethod("getHikariPoolMXBean").invoke(hikari);
      if (pool != null) { // (null before the pool started, or once it closed)
        pool.getClass().getMethod("softEvictConnections").invoke(pool);
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError notHikari) {
      // (another DataSource: its connections end as its own rules say)
    }
  }

  /**
   * The HikariCP pool a host's DataSource wraps, as JDBC's {@code unwrap} tells it (Spring's
   * transaction-aware proxy, p6spy), or the DataSource itself (found by a review: a pool behind
   * a proxy was not evicted). Looked up by name: this module does not depend on HikariCP.
   */
  private static Object hikariBehind(DataSource dataSource) {
    try {
      Class<?> hikari = Class.forName("com.zaxxer.hikari.HikariDataSource", false,
          dataSource.getClass().getClassLoader());
      if (!hikari.isInstance(dataSource) && dataSource.isWrapperFor(hikari)) {
        return dataSource.unwrap(hikari);
      }
    } catch (ClassNotFoundException | SQLException | RuntimeException | LinkageError none) {
      // (no HikariCP where the DataSource comes from, or a wrapper that cannot tell)
    }
    return dataSource;
  }

  /**
   * No connection could be had: the store as a whole is unavailable ({@link
   * StoreUnavailableException}), whatever the SQL state says (HikariCP's wait for a connection
   * has none when it never reached the database), unless no driver takes the URL, which no wait
   * mends, or the database refused the user, its password or the database's name ({@link
   * #refusal}). Such a refusal names the database and says what to check; while opening it is a
   * configuration error (a {@link SyncException}, not retried: nothing has worked with these
   * settings), once open the store unavailable (the password rotated or the role locked under a
   * running host: the engine's step ends and runs again later, failing no message for an admin,
   * and goes on once the operator fixed it; the old connections are dropped first, {@link
   * #dropOldConnections}).
   *
   * @param database the database as texts name it ({@link #database})
   */
  static SyncException cannotConnect(SQLException e, String database, boolean opened) {
    SQLException refused = refusal(e);
    if (refused != null) {
      String text = "cannot open a database connection: the database refused it (" + database
          + "): " + refused.getMessage() + " (SQL state " + refused.getSQLState() + "); check "
          + (refused.getSQLState().startsWith("28") ? "the store's user and password"
              : "the database the URL names");
      return opened ? new StoreUnavailableException(text, e) : new SyncException(text, e);
    }
    SyncException failure = failure("cannot open a database connection", e);
    return noDriver(e) ? failure
        : new StoreUnavailableException(failure.getMessage() + driverSaid(e), e);
  }

  /**
   * What the driver said beneath a pool's failure, as {@code ": <its message>"}: the innermost
   * SQLException among the causes of {@code e} whose message {@code e}'s does not hold already
   * (HikariCP's "Connection is not available, request timed out" over the driver's "Connection to
   * db:5432 refused"); else nothing.
   */
  private static String driverSaid(SQLException e) {
    String said = "";
    Throwable t = e.getCause();
    for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
      if (t instanceof SQLException q && q.getMessage() != null && !q.getMessage().isBlank()
          && (e.getMessage() == null || !e.getMessage().contains(q.getMessage()))) {
        said = ": " + q.getMessage();
      }
    }
    return said;
  }

  /**
   * The driver's refusal among {@code e} and its causes, the innermost (HikariCP's "Connection
   * is not available" carries its SQL state over the driver's own exception), or null: a user,
   * password or access rule refused (class 28: PostgreSQL's 28P01 and 28000, H2's 28000), or no
   * database of that name (PostgreSQL's 3D000, H2's 90013, 90146 and 90149).
   */
  private static SQLException refusal(SQLException e) {
    SQLException found = null;
    Throwable t = e;
    for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
      if (t instanceof SQLException q && q.getSQLState() != null
          && REFUSED.matcher(q.getSQLState()).matches()) {
        found = q;
      }
    }
    return found;
  }

  /** The SQL states of {@link #refusal}. */
  private static final Pattern REFUSED = Pattern.compile("28.*|3D000|90013|90146|90149");

  /**
   * A database as texts name it: the URL of one opened by URL, or of a host's {@link DataSource}
   * that tells it ({@code getJdbcUrl()}, as HikariCP's, or {@code getUrl()}, {@code getURL()}, as
   * the drivers' own), without what may hold a password ({@link #shown}); else its class.
   */
  static String database(DataSource dataSource) {
    if (dataSource instanceof DriverManagerDataSource d) {
      return shown(d.url());
    }
    for (String getter : List.of("getJdbcUrl", "getUrl", "getURL")) {
      try {
        if (dataSource.getClass().getMethod(getter).invoke(dataSource) instanceof String url
            && url.startsWith("jdbc:")) {
          return shown(url);
        }
      } catch (ReflectiveOperationException | RuntimeException | LinkageError notTold) {
        // (no such getter, or not one this module may call: the next, else the class)
      }
    }
    return dataSource.getClass().getName();
  }

  /**
   * Gives a connection back after work that failed with {@code failure} (null: none): one that
   * failed because the database cannot be used ({@link StoreUnavailableException}, or a failure
   * caused by one, as work that adds what it was doing throws: closed, gone, out of room) is
   * closed, not kept, and so are those kept idle (they are the same database's),
   * so that the next call opens a new one once the database is back (an H2 database closed by a
   * full disk stayed closed for every later call, each reusing a kept connection).
   */
  private void giveBack(Connection connection, RuntimeException failure) {
    if (storeDown(failure)) {
      closeQuietly(connection);
      closeIdle();
    } else {
      giveBack(connection);
    }
  }

  /** Whether {@code failure}, or a cause of it, says the store cannot be used now. */
  private static boolean storeDown(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
      if (t instanceof StoreUnavailableException) {
        return true;
      }
    }
    return false;
  }

  private void giveBack(Connection connection) {
    if (keepConnections && state.get() == State.OPEN && idle.size() < 8) {
      idle.addFirst(connection);
      if (state.get() == State.CLOSED) {
        closeIdle(); // closed meanwhile: close() may have emptied the deque before the add
      }
    } else {
      closeQuietly(connection);
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // the transaction has ended either way
    }
  }

  /** Moves the stamp sequence above the stored stamps when it is behind ({@link StampSequence}). */
  private void catchUpStamps(boolean move) {
    Connection connection = borrow(true);
    try {
      StampSequence.catchUp(connection, move);
    } catch (SQLException e) {
      throw failure("cannot move the sequence bb_stamp above the stamps in bb_sync_info", e);
    } finally {
      giveBack(connection);
    }
  }

  /**
   * Whether the driver is pgjdbc with the session's {@code client_encoding} UTF8, as pgjdbc sets
   * it: its {@code getBytes} of a text column are then the text's UTF-8 bytes. (pgjdbc refuses a
   * later change of the encoding unless a host sets {@code allowEncodingChanges=true}; such a
   * host must keep it UTF8, see the README's database section.)
   */
  private boolean sendsUtf8() {
    Connection connection = borrow(true);
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery("SHOW client_encoding")) {
      return connection.getMetaData().getDriverName().equals("PostgreSQL JDBC Driver")
          && r.next() && r.getString(1).equalsIgnoreCase("UTF8");
    } catch (SQLException e) {
      throw failure("cannot read the session's client_encoding", e);
    } finally {
      giveBack(connection);
    }
  }

  /** A compaction of the file when the database is H2, else null. */
  private H2Compaction h2Compaction() {
    Connection connection = borrow(true);
    try {
      return "H2".equals(connection.getMetaData().getDatabaseProductName())
          ? new H2Compaction() : null;
    } catch (SQLException e) {
      throw failure("cannot read the database's product name", e);
    } catch (LinkageError noH2Classes) { // an H2 driver whose classes this module cannot see
      org.slf4j.LoggerFactory.getLogger("org.backbonesync.jdbc.H2Compaction").warn("cannot"
          + " compact the H2 file while it is open ({}); it grows until a clean close",
          noH2Classes.toString());
      return null;
    } finally {
      giveBack(connection);
    }
  }

  /** PostgreSQL's forms of the stores' batched writes (none on another database). */
  private static Map<String, ManyRows> manyRowForms() {
    Map<String, ManyRows> forms = new HashMap<>(JdbcSyncInfoStore.MANY_ROWS);
    forms.putAll(JdbcMessageStore.MANY_ROWS);
    forms.putAll(JdbcTraceStore.MANY_ROWS);
    return Map.copyOf(forms);
  }

  /**
   * Whether a text column is read as the UTF-8 bytes the driver received ({@code getBytes}):
   * with pgjdbc, which hands them over uncopied, in a UTF8 session ({@link #sendsUtf8});
   * elsewhere a text is read as text.
   */
  boolean textAsBytes() {
    return textAsBytes;
  }

  /** Whether the database is PostgreSQL. */
  boolean postgres() {
    return postgres;
  }

  /** The database's form of a batched write for many rows; null for none. */
  ManyRows manyRows(String sql) {
    return manyRows.get(sql);
  }

  /** The stores' own connections, for the schema's migration. */
  private Migrations.Connections connections() {
    return new Migrations.Connections() {
      @Override
      public Connection borrow(boolean autoCommit) {
        return JdbcStores.this.borrow(autoCommit);
      }

      @Override
      public void giveBack(Connection connection) {
        JdbcStores.this.giveBack(connection);
      }
    };
  }

  /** The connection of the current transaction; call inside {@link #inTransaction}. */
  Connection connection() {
    Connection c = current.get();
    if (c == null) {
      throw new IllegalStateException("no transaction on this thread");
    }
    return c;
  }

  /**
   * Runs database work in the current transaction (after the writes waiting in it, and
   * forgetting the rows it locked ahead: the work may change any), or in one of its own.
   */
  <T> T run(SqlWork<T> work) {
    return inTransaction(() -> {
      try {
        TransactionWrites waiting = writes.get();
        waiting.flush();
        waiting.forgetRead();
        return work.run(connection());
      } catch (SQLException e) {
        throw failure("database operation failed", e);
      }
    });
  }

  /**
   * Runs a write whose answer nobody needs before the commit: inside a transaction it waits
   * there, sent with the others of its statement in one batch ({@link TransactionWrites});
   * outside, at once.
   *
   * @param key the table and key columns it writes: a second write of a key sends the first
   */
  void write(TransactionWrites.Key key, String sql, Object... args) {
    upsert(key, sql, args, null, null);
  }

  /** As {@link #write}: an update, and when it finds no row, the insert. */
  void upsert(TransactionWrites.Key key, String sql, Object[] args, String insertSql,
      Object[] insertArgs) {
    TransactionWrites waiting = writes.get();
    try {
      if (waiting == null) {
        run(c -> {
          if (JdbcSyncInfoStore.update(c, sql, args) == 0 && insertSql != null) {
            JdbcSyncInfoStore.update(c, insertSql, insertArgs);
          }
          return null;
        });
      } else {
        waiting.add(key, sql, args, insertSql, insertArgs);
      }
    } catch (SQLException e) {
      throw failure("database operation failed", e);
    }
  }

  /** The current transaction's waiting writes and rows locked ahead; null outside one. */
  TransactionWrites writes() {
    return writes.get();
  }

  /**
   * Runs database work in a transaction of its own, on a connection of its own, even when the
   * thread is inside another transaction, which it neither joins nor disturbs: for writes that
   * must never fail or hold a step's transaction (the trace).
   */
  <T> T alone(SqlWork<T> work) {
    Connection outer = current.get();
    current.remove();
    try {
      return run(work);
    } finally {
      if (outer != null) {
        current.set(outer);
      }
    }
  }

  /**
   * Runs one read in the current transaction, or on its own without a transaction around it
   * (autocommit: no commit round trip, which a step's many small reads would otherwise pay each).
   * Only for work of a single query, or of queries that need no common snapshot.
   */
  <T> T read(SqlWork<T> work) {
    if (current.get() != null) {
      try {
        writes.get().flush(); // (what it reads must hold the writes before; it writes nothing)
        return work.run(connection());
      } catch (SQLException e) {
        throw failure("database operation failed", e);
      }
    }
    Connection connection = borrow(true);
    RuntimeException failed = null;
    try {
      return work.run(connection);
    } catch (SQLException e) {
      failed = failure("database operation failed", e);
      throw failed;
    } finally {
      giveBack(connection, failed);
    }
  }

  /** Database work that may throw {@link SQLException}. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  static SyncException failure(String what, SQLException e) {
    String state = e.getSQLState();
    String text = what + ": " + (e.getMessage() != null ? e.getMessage() : e.getClass().getName())
        + (state == null ? "" : " (SQL state " + state + ")");
    if (noDriver(e)) {
      // (DriverManager's 08001, which no retry mends)
      return new SyncException(text + "; put the database's JDBC driver on the class path"
          + " (H2: com.h2database:h2, PostgreSQL: org.postgresql:postgresql)", e);
    }
    if (state != null && UNAVAILABLE.matcher(state).matches() || h2CannotWrite(e)) {
      return new StoreUnavailableException(text, e);
    }
    if (state != null && LOCK_TIMEOUT.matcher(state).matches()) {
      return new RetriableException(text + "; another session held a lock on the store's tables"
          + " past the lock timeout (on PostgreSQL, pg_locks and pg_stat_activity show which)", e);
    }
    if (state != null && TRANSIENT.matcher(state).matches()) {
      return new RetriableException(text, e);
    }
    return new SyncException(text, e);
  }

  /**
   * Whether H2 could not write its file: its general error (50000, SQL state HY000) over an
   * {@code MVStoreException} of code 2 ({@code DataUtils.ERROR_WRITING_FAILED}, "Writing to ...
   * failed", over the file system's IOException: "No space left on device", a quota, an I/O
   * error). It is H2's first failure on a full disk, before the 90098 of the database it closed;
   * no statement of the store can write then. Told by the class's name and the code H2 puts at
   * the end of its message ({@code [2.3.232/2]}), so no H2 class is loaded for another database.
   */
  private static boolean h2CannotWrite(SQLException e) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
      if (t.getClass().getName().equals("org.h2.mvstore.MVStoreException")
          && t.getMessage() != null && H2_WRITING_FAILED.matcher(t.getMessage()).find()) {
        return true;
      }
    }
    return false;
  }

  /** The end of an H2 MVStore message of code 2, writing failed: {@code [<version>/2]}. */
  private static final Pattern H2_WRITING_FAILED = Pattern.compile("\\[[^\\[\\]/]+/2]$");

  private static boolean noDriver(SQLException e) {
    return e.getMessage() != null && e.getMessage().startsWith("No suitable driver");
  }

  /**
   * The SQL states that say the database as a whole cannot be used now, not this statement
   * (each also passes, so is retried): connection trouble (08), PostgreSQL ending the
   * connection as it stops, crashes or starts (57P01, 57P02, 57P03), or short of resources
   * (53: a full disk, no memory, too many connections) or of its files (58: an I/O error); H2's
   * I/O error, database closed, closing, and full disk (90028, 90098, 90121, 90100); H2's
   * exclusive mode (90135: a {@code SHUTDOWN}, or H2's own shutdown hook at a JVM's exit, pauses
   * every other session while it closes the database, and their next statement or commit fails
   * so); and H2's file that cannot be written ({@link #h2CannotWrite}, whatever its state).
   */
  private static final Pattern UNAVAILABLE =
      Pattern.compile("08.*|57P0[123]|53.*|58.*|90028|90098|90100|90121|90135");

  /**
   * The SQL states of a lock wait past its timeout (PostgreSQL's 55P03, H2's HYT00): retried, and
   * said so that an operator looks for the session holding the lock (an outside trial: a
   * {@code LOCK TABLE} held by hand showed as "canceling statement due to lock timeout" alone).
   */
  private static final Pattern LOCK_TIMEOUT = Pattern.compile("55P03|HYT00");

  /**
   * The SQL states that pass, so are retried: connection trouble (08), serialization failures
   * and deadlocks (40), a lock waited for past the lock timeout (H2's HYT00, PostgreSQL's
   * 55P03), a statement cancelled or past its timeout (57014), and PostgreSQL ending the
   * connection as it stops, crashes or starts (57P01, 57P02, 57P03: a restart).
   */
  private static final Pattern TRANSIENT =
      Pattern.compile("08.*|40.*|HYT00|55P03|57014|57P0[123]");

  /**
   * Rows met so far whose JSON could not be read, each as "table row id (what it holds): why".
   * Each was logged at ERROR when first met and is skipped by every read until repaired or
   * deleted: the outbox and inbox hold back only the issue it belongs to (a later message of
   * that issue waits behind it, as behind any gap), a synced value or pending change counts as
   * unknown, a task or conflict record is left out of lists.
   */
  public List<String> corruptRows() {
    return corrupt.list();
  }

  CorruptRows corrupt() {
    return corrupt;
  }

  @Override
  public String toString() {
    return "JdbcStores[" + database(dataSource) + "]";
  }

  /**
   * A JDBC URL as texts show it: without its parameters and its user part, either of which may
   * hold a password ({@code ?password=...}, {@code ;PASSWORD=...}, {@code //user:secret@host},
   * and, in a host's DataSource of another database, {@code jdbc:oracle:thin:user/secret@host}:
   * whatever comes before an {@code @} after the subprotocol).
   */
  static String shown(String url) {
    String[] parts = url.split("[?;]", 2);
    String shown = parts[0].replaceFirst("//[^/]*@", "//***@");
    int at = shown.lastIndexOf('@');
    int subprotocol = shown.indexOf(':', "jdbc:".length());
    if (at > subprotocol && subprotocol > 0 && !shown.contains("//***@")) {
      shown = shown.substring(0, subprotocol + 1) + "***" + shown.substring(at);
    }
    return shown + (parts.length > 1 ? "?..." : "");
  }

  /**
   * A {@link DataSource} over {@link DriverManager}; its password never appears in toString, nor
   * in the text of a refused connection ({@code DriverManager} quotes the whole URL when no
   * driver takes it).
   */
  private record DriverManagerDataSource(String url, String user, String password)
      implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      return user == null ? connect(url, null, null) : connect(url, user, password);
    }

    @Override
    public Connection getConnection(String u, String p) throws SQLException {
      return connect(url, u, p);
    }

    private static Connection connect(String url, String user, String password)
        throws SQLException {
      try {
        return user == null ? DriverManager.getConnection(url)
            : DriverManager.getConnection(url, user, password);
      } catch (SQLException e) {
        String text = e.getMessage();
        if (text == null || !text.contains(url)) {
          throw e;
        }
        // (not chained: the cause's text would quote it still)
        throw new SQLException(text.replace(url, shown(url)), e.getSQLState(),
            e.getErrorCode());
      }
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }

    @Override
    public String toString() {
      return "DriverManagerDataSource[" + shown(url) + ", user " + user + "]";
    }
  }
}
