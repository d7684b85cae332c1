package org.backbonesync.service;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver for tests over H2, for URLs {@code <prefix>jdbc:h2:...}: each call on one of its
 * connections goes first to {@link #before}, which may fail it as a database would, then to H2.
 * Register it with {@link DriverManager#registerDriver} for the service to open it by URL.
 */
abstract class H2Interposer implements Driver {
  private final String prefix;

  H2Interposer(String prefix) {
    this.prefix = prefix;
  }

  /**
   * Before a call of a connection's {@code method} reaches H2 ({@code h2}): throw to fail it.
   *
   * @param args the call's arguments, null for none
   */
  abstract void before(Connection h2, String method, Object[] args) throws SQLException;

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    Connection h2 = DriverManager.getConnection(url.substring(prefix.length()), info);
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          before(h2, method.getName(), args);
          try {
            return method.invoke(h2, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Override
  public boolean acceptsURL(String url) {
    return url.startsWith(prefix);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return new DriverPropertyInfo[0];
  }

  @Override
  public int getMajorVersion() {
    return 1;
  }

  @Override
  public int getMinorVersion() {
    return 0;
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }
}
