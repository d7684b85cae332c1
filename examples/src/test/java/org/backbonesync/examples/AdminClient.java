package org.backbonesync.examples;

import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Sends admin requests to a running {@link AdminHttpServer} as a caller, for the tests. */
final class AdminClient {
  private final HttpClient client = HttpClient.newHttpClient();
  private final HttpServer server;
  private final String base;

  AdminClient(HttpServer server, String base) {
    this.server = server;
    this.base = base;
  }

  /**
   * One request, the caller named in {@code X-Remote-User} as {@link AdminHttpServer} reads it.
   *
   * @param caller null for an anonymous request
   * @param body null for none
   */
  HttpResponse<String> send(String caller, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + server.getAddress().getPort() + base + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (caller != null) {
      request.header("X-Remote-User", caller);
    }
    if (body != null) {
      request.header("Content-Type", "application/json"); // else refused with 415
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
