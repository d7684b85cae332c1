package org.backbonesync.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.backbonesync.transport.HttpTransportHandler;

/**
 * {@code --check}'s look at a partner service: that its transport answers at the partner's URL.
 * It answers a GET without a signature with 401 asking for its scheme ({@code WWW-Authenticate:
 * Backbone}). Any other answer (a Jira site's 401, the partner service's 404 for another
 * synchronization id, a proxy's page) or none is a failure naming the partner. The envelopes'
 * key is not checked: that needs a signed probe.
 */
final class PartnerCheck {
  /** How long the check waits for a partner service to connect and to answer. */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** How much of another server's answer a failed check shows. */
  private static final int ANSWER_SHOWN = 120;

  private PartnerCheck() {}

  /**
   * @return what answered, for the line {@code --check} prints
   * @throws ServiceFailure ({@link ServiceMain#SITE}) when no partner service's transport does
   */
  static String reach(ServiceConfig config, ServiceConfig.Partner partner) {
    String at = config.file() + ": " + partner.path() + ": partner service " + partner.url();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
      HttpResponse<InputStream> answer = client.send(HttpRequest.newBuilder(partner.url())
          .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      List<String> challenges = answer.headers().allValues("WWW-Authenticate");
      // (a scheme is case-insensitive, and a proxy may add its own challenge: RFC 9110 11.6.1)
      if (answer.statusCode() == 401 && challenges.stream().anyMatch(c -> c.strip()
          .split("[ ,]", 2)[0].equalsIgnoreCase(HttpTransportHandler.AUTH_SCHEME))) {
        answer.body().close();
        return "a partner service's transport answers";
      }
      String said = firstBytes(answer.body(), deadline);
      String asked = ServiceFailure.printable(String.join(", ", challenges), ANSWER_SHOWN);
      throw new ServiceFailure(ServiceMain.SITE, at + " answered HTTP " + answer.statusCode()
          + (asked.isEmpty() ? "" : " (WWW-Authenticate: " + asked + ")")
          + (said == null ? " (its body did not come within " + TIMEOUT.toSeconds() + " s)"
              : said.isEmpty() ? ""
              : " \"" + said.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
          + ", not as a partner service's transport, which answers a GET without a signature"
          + " with 401 and WWW-Authenticate: " + HttpTransportHandler.AUTH_SCHEME
          + " (check the host, the port and the path /transport/<synchronization id>)");
    } catch (IOException e) {
      // (a plain-HTTP server does not answer a TLS handshake: the JDK's client times out)
      boolean tls = partner.url().getScheme().equals("https")
          && (e instanceof HttpConnectTimeoutException || e instanceof SSLException);
      // (the JDK's client says nothing more of a refused connection than its class)
      String refused = e instanceof ConnectException ? "; nothing accepts connections at "
          + partner.url().getHost() + ":" + port(partner.url()) : "";
      // (a ServiceFailure's lines are one line each, whatever the exception's text holds)
      throw new ServiceFailure(ServiceMain.SITE, at + " cannot be reached ("
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
          + ")" + refused
          + (tls ? "; a server that speaks plain HTTP fails an https URL so too" : ""));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceFailure(ServiceMain.OTHER, "interrupted while reaching " + partner);
    }
  }

  /**
   * The first bytes of another server's answer, printable, read until the check's deadline: the
   * request's timeout ends with the headers, and a server that sent them and then stalled its
   * body held {@code --check} for good. Closes the body.
   *
   * @return null when the body did not come by the deadline (or within a second of the headers)
   */
  private static String firstBytes(InputStream body, long deadline)
      throws IOException, InterruptedException {
    CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
      try {
        return body.readNBytes(ANSWER_SHOWN);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try (body) {
      long left = Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(1));
      byte[] bytes = read.get(left, TimeUnit.NANOSECONDS);
      return ServiceFailure.printable(new String(bytes, StandardCharsets.UTF_8), ANSWER_SHOWN);
    } catch (TimeoutException e) {
      return null;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof UncheckedIOException u ? u.getCause()
          : new IOException(e.getCause());
    }
  }

  /** The URL's port, or its scheme's. */
  private static int port(URI url) {
    return url.getPort() != -1 ? url.getPort() : url.getScheme().equals("https") ? 443 : 80;
  }
}
