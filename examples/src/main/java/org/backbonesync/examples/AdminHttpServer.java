package org.backbonesync.examples;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.backbonesync.core.AdminRequest;
import org.backbonesync.core.AdminResponse;
import org.backbonesync.core.SyncAdminHandler;

/**
 * Binds the admin API to the JDK's HTTP server under a base path. The caller is taken from the
 * {@code X-Remote-User} header, as set by an authenticating proxy in front of it; a real host uses
 * its own authentication instead.
 */
public final class AdminHttpServer {
  private AdminHttpServer() {}

  /** Starts serving on 127.0.0.1 (port 0 picks a free one); stop it with {@code stop(0)}. */
  public static HttpServer start(SyncAdminHandler handler, int port, String basePath)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext(basePath, exchange -> {
      Map<String, String> query = new HashMap<>();
      String raw = exchange.getRequestURI().getRawQuery();
      for (String pair : raw == null ? new String[0] : raw.split("&")) {
        String[] kv = pair.split("=", 2);
        query.putIfAbsent(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      AdminResponse response = handler.handle(new AdminRequest(exchange.getRequestMethod(),
          exchange.getRequestURI().getRawPath().substring(basePath.length()), query, body,
          exchange.getRequestHeaders().getFirst("X-Remote-User")));
      byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
      response.headers().forEach(exchange.getResponseHeaders()::set);
      exchange.sendResponseHeaders(response.status(), bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    return server;
  }
}
