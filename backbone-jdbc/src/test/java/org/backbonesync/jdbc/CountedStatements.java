package org.backbonesync.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A data source over a JDBC URL that counts the round trips its connections make: statements
 * executed (a JDBC batch once) and commits. For tests that pin what a step costs the database.
 */
final class CountedStatements {
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicInteger commits = new AtomicInteger();
  private final AtomicInteger executions = new AtomicInteger();
  /** Run once, after the first statement whose SQL starts so (see {@link #afterFirst}). */
  private volatile String hookSql;
  private volatile Runnable hook;
  /** The counting data source (a new connection each time: the stores give them back). */
  final DataSource dataSource;

  CountedStatements(String url) {
    dataSource = proxy(DataSource.class, (m, a) -> {
      if (!m.getName().equals("getConnection")) {
        throw new UnsupportedOperationException(m.getName());
      }
      return counting(DriverManager.getConnection(url));
    });
  }

  /** Round trips since the last {@link #reset}. */
  int count() {
    return count.get();
  }

  /**
   * Statements the database executed since the last {@link #reset}: a JDBC batch counts each
   * of its entries, as the server runs each (commits not counted).
   */
  int executions() {
    return executions.get();
  }

  /** Commits since the last {@link #reset} (counted in {@link #count} too). */
  int commits() {
    return commits.get();
  }

  /**
   * Runs {@code action} once, right after the next statement executed whose SQL starts with
   * {@code sqlStart}: another session's write between two statements of one transaction.
   */
  void afterFirst(String sqlStart, Runnable action) {
    hookSql = sqlStart;
    hook = action;
  }

  void reset() {
    count.set(0);
    commits.set(0);
    executions.set(0);
  }

  private Connection counting(Connection c) {
    return proxy(Connection.class, (m, a) -> {
      if (m.getName().equals("commit")) {
        count.incrementAndGet();
        commits.incrementAndGet();
      }
      Object result = invoke(m, c, a);
      if (result instanceof PreparedStatement s) {
        AtomicInteger batched = new AtomicInteger();
        String sql = m.getName().equals("prepareStatement") ? (String) a[0] : "";
        return proxy(PreparedStatement.class, (m2, a2) -> {
          if (m2.getName().equals("addBatch")) {
            batched.incrementAndGet();
          } else if (m2.getName().equals("executeBatch")) {
            count.incrementAndGet();
            executions.addAndGet(batched.getAndSet(0));
          } else if (m2.getName().startsWith("execute")) {
            count.incrementAndGet();
            executions.incrementAndGet();
          }
          Object done = invoke(m2, s, a2);
          String startsWith = hookSql;
          if (m2.getName().startsWith("execute") && startsWith != null
              && sql.startsWith(startsWith)) {
            Runnable action = hook;
            hookSql = null;
            hook = null;
            action.run();
          }
          return done;
        });
      }
      return result;
    });
  }

  private interface Call {
    Object on(Method method, Object[] args) throws Throwable;
  }

  private static <T> T proxy(Class<T> type, Call call) {
    return type.cast(Proxy.newProxyInstance(CountedStatements.class.getClassLoader(),
        new Class<?>[] {type}, (p, m, a) -> call.on(m, a)));
  }

  private static Object invoke(Method m, Object target, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
