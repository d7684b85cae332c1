package org.backbonesync.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * A pooled data source (HikariCP, as a host would use) that counts what the stores ask of the
 * database: statements sent (a JDBC batch counts once: the driver sends it in one round trip)
 * and commits. A benchmark divides them by its changes, so the round trips per change are
 * printed beside the throughput they explain.
 *
 * <p>Counting wraps every JDBC call of a counted connection in a reflective proxy, which
 * allocates about 3.8 KB per change in {@code TwoNodeBenchmark} (59.5 against 63.3 KB, A/B of
 * the same build with and without it); so {@link #counting(boolean)} switches it off for the
 * measured iterations, and the counts come from the warm-up iterations of the same workload (at
 * another speed: with two nodes, races between them may differ). A connection taken while
 * counting is off is the pool's own; the stores take one per transaction from this data source
 * ({@code JdbcStores} keeps idle connections only for a data source of its own).
 */
final class CountingDataSource implements AutoCloseable {
  private final HikariDataSource pool;
  private final LongAdder statements = new LongAdder();
  private final LongAdder commits = new LongAdder();
  private volatile boolean counting = true;
  /** The data source to open the stores on. */
  final DataSource dataSource;

  CountingDataSource(String url, int connections) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(connections);
    pool = new HikariDataSource(config);
    dataSource = proxy(DataSource.class, pool, this::onDataSource);
  }

  /** Statements sent since the last {@link #reset()}. */
  long statements() {
    return statements.sum();
  }

  /** Commits since the last {@link #reset()}. */
  long commits() {
    return commits.sum();
  }

  /** Whether connections taken from now on are counted (they are at first). */
  void counting(boolean on) {
    counting = on;
  }

  void reset() {
    statements.reset();
    commits.reset();
  }

  private Object onDataSource(Object target, Method method, Object[] args) throws Throwable {
    Object result = invoke(target, method, args);
    return result instanceof Connection c && counting
        ? proxy(Connection.class, c, this::onConnection) : result;
  }

  private Object onConnection(Object target, Method method, Object[] args) throws Throwable {
    if (method.getName().equals("commit")) {
      commits.increment();
    }
    Object result = invoke(target, method, args);
    if (result instanceof Statement s && method.getName().startsWith("prepare")) {
      return proxy(java.sql.PreparedStatement.class, s, this::onStatement);
    }
    if (result instanceof Statement s && method.getName().equals("createStatement")) {
      return proxy(Statement.class, s, this::onStatement);
    }
    return result;
  }

  private Object onStatement(Object target, Method method, Object[] args) throws Throwable {
    if (method.getName().startsWith("execute")) {
      statements.increment();
    }
    return invoke(target, method, args);
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static <T> T proxy(Class<T> type, Object target, Handler handler) {
    InvocationHandler h = (p, m, a) -> handler.handle(target, m, a);
    return type.cast(Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(),
        new Class<?>[] {type}, h));
  }

  private interface Handler {
    Object handle(Object target, Method method, Object[] args) throws Throwable;
  }

  @Override
  public void close() {
    pool.close();
  }
}
