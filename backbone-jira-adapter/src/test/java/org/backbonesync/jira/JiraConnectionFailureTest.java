package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import org.backbonesync.spi.RetriableException;
import org.junit.jupiter.api.Test;

/**
 * A site that cannot be reached, as an operator with several sites reads it: the failure names
 * the site's origin (never its credentials, path or query) and the cause, so that the operator
 * can tell which site failed and why. Only this machine's loopback is used.
 */
class JiraConnectionFailureTest {
  private static final String SECRET = "hunter2-secret-token";

  /** A site on this port, as the service builds one, that tries once and never waits. */
  private static JiraSite site(int port) {
    return JiraSite.builder(URI.create("http://127.0.0.1:" + port + "/jira"))
        .credentials(JiraCredentials.password("sync", SECRET))
        .maxAttempts(1)
        .sleeper(wait -> { })
        .build();
  }

  /** A port nothing listens on: taken from the system, then given back. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aRefusedConnectionNamesTheSiteAndTheCause() throws IOException {
    int port = closedPort();

    RetriableException e = assertThrows(RetriableException.class, () -> site(port).flavour());

    assertTrue(e.getMessage().startsWith("GET /jira/rest/api/2/serverInfo failed on"
        + " http://127.0.0.1:" + port + " (ConnectException: "), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
  }

  @Test
  void aConnectionClosedWithoutAnAnswerNamesTheSiteAndTheCause() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread closer = new Thread(() -> {
        try {
          while (true) {
            try (Socket accepted = server.accept()) {
              accepted.getInputStream().read(); // the request has come; close without a word
            }
          }
        } catch (IOException closed) {
          // the test is over
        }
      });
      closer.setDaemon(true);
      closer.start();
      int port = server.getLocalPort();

      RetriableException e = assertThrows(RetriableException.class,
          () -> site(port).signedInUser());

      String message = e.getMessage();
      assertTrue(message.startsWith("GET /jira/rest/api/2/"), message);
      assertTrue(message.contains(" failed on http://127.0.0.1:" + port + " (IOException: "),
          message);
      assertFalse(message.contains(SECRET), message);
      assertEquals(message.indexOf("/jira"), message.lastIndexOf("/jira"),
          "the origin is shown without the site's path");
    }
  }
}
