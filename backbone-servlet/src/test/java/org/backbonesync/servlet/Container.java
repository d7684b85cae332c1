package org.backbonesync.servlet;

import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** An embedded Jetty 12 on 127.0.0.1 and a free port, serving servlets under a context path. */
final class Container implements AutoCloseable {
  private final Server server = new Server();
  private final ServerConnector connector = new ServerConnector(server);
  private final ServletContextHandler context = new ServletContextHandler("/host");

  Container() {
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(context);
  }

  Container serve(String mapping, HttpServlet servlet) {
    context.addServlet(new ServletHolder(servlet), mapping);
    return this;
  }

  Container start() throws Exception {
    server.start();
    return this;
  }

  /** The URI of a path below the context path, e.g. {@code /admin/synchronizations}. */
  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/host" + path);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
