package org.backbonesync.examples;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.AdminRequest;
import org.backbonesync.core.AdminResponse;
import org.backbonesync.core.CrossOriginPolicy;
import org.backbonesync.core.SyncAdminHandler;

/**
 * Binds the admin API to the JDK's HTTP server under a base path. The caller is taken from the
 * {@code X-Remote-User} header, as set by an authenticating proxy in front of it; a real host uses
 * its own authentication instead.
 *
 * <p>The body is streamed into the handler, which reads no more than its {@code maxBodyBytes}
 * (and answers 413 beyond) and only as {@code application/json} (415 otherwise); the query is
 * passed with every value of each parameter, so that a repeated parameter is refused rather than
 * one of its values picked. A change a browser sent from another site is refused (403, {@link
 * CrossOriginPolicy}): a proxy that knows its callers by a session cookie would otherwise pass a
 * page's forged rebuild, retry or skip.
 */
public final class AdminHttpServer {
  private AdminHttpServer() {}

  /** Starts serving on 127.0.0.1 (port 0 picks a free one); stop it with {@code stop(0)}. */
  public static HttpServer start(SyncAdminHandler handler, int port, String basePath)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext(basePath, exchange -> {
      try (exchange) {
        String method = exchange.getRequestMethod();
        AdminResponse response;
        try {
          // the caller is known by what a proxy in front added, maybe for a session cookie:
          // a change a browser sent from another site is refused (403)
          CrossOriginPolicy.sameOriginOnly().check(method,
              exchange.getRequestHeaders().get("Sec-Fetch-Site"),
              exchange.getRequestHeaders().get("Origin"),
              exchange.getRequestHeaders().getFirst("Host"));
          AdminRequest request = new AdminRequest(method,
              exchange.getRequestURI().getRawPath().substring(basePath.length()), null, null,
              exchange.getRequestHeaders().getFirst("X-Remote-User"),
              AdminRequest.parseQuery(exchange.getRequestURI().getRawQuery()));
          // the handler refuses (415) a body it reads under any type but JSON; two types
          // are joined, and so refused, as a servlet container joins them
          List<String> types = exchange.getRequestHeaders().get("Content-Type");
          response = handler.handle(request, types == null ? null : String.join(", ", types),
              exchange.getRequestBody());
        } catch (AdminException refused) { // another site's change, a query not UTF-8
          response = handler.refused(refused);
        }
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        response.headers().forEach(exchange.getResponseHeaders()::set);
        if (method.equals("HEAD")) {
          exchange.sendResponseHeaders(response.status(), -1);
          return;
        }
        exchange.sendResponseHeaders(response.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
      }
    });
    server.start();
    return server;
  }
}
