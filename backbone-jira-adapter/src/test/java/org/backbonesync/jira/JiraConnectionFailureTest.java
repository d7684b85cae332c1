package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.backbonesync.jira.SlowOrigin.Piece;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.tracker.IssueTracker;
import org.junit.jupiter.api.Test;

/**
 * A site that cannot be reached, as an operator with several sites reads it: the failure names
 * the site's origin (never its credentials, path or query) and the cause, so that the operator
 * can tell which site failed and why. And a site whose answer stalls or drips after its headers:
 * the request's timeout bounds the whole answer, and a download's every stall. Only this
 * machine's loopback is used.
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

  /** A project of a site on the origin that tries once, never waits, and times out after 1 s. */
  private static IssueTracker slowProject(SlowOrigin jira, JiraFlavour flavour) {
    return JiraSite.builder(jira.url()).flavour(flavour)
        .credentials(JiraCredentials.password("sync", SECRET))
        .httpClient(HostileOrigin.client())
        .requestsPerSecond(0).endpointRequestsPerSecond(0, 1).issueWritesPerSecond(0, 1)
        .maxAttempts(1)
        .timeout(Duration.ofSeconds(1))
        .sleeper(wait -> { })
        .build().project("PA");
  }

  @Test
  void anAnswerThatStallsAfterItsHeadersTimesOut() {
    try (SlowOrigin jira = new SlowOrigin(1000, List.of(Piece.of(Duration.ZERO, "{"),
        Piece.of(Duration.ofMinutes(2), "}")))) {
      IssueTracker pa = slowProject(jira, JiraFlavour.SERVER);

      RetriableException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
          () -> assertThrows(RetriableException.class, () -> pa.issue("PA-1")));

      assertEquals("GET /rest/api/2/issue/PA-1 timed out on " + jira.url(), e.getMessage());
    }
  }

  @Test
  void anAnswerThatDripsIsCutOffAtTheTimeout() {
    List<Piece> drops = new ArrayList<>(Collections.nCopies(100,
        Piece.of(Duration.ofMillis(100), " ")));
    drops.add(0, Piece.of(Duration.ZERO, "{\"key\":\"PA-1\""));
    try (SlowOrigin jira = new SlowOrigin(0, drops)) {
      IssueTracker pa = slowProject(jira, JiraFlavour.SERVER);

      RetriableException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
          () -> assertThrows(RetriableException.class, () -> pa.issue("PA-1")),
          "a body of 10 s at a byte per 100 ms, with a timeout of 1 s");

      assertEquals("GET /rest/api/2/issue/PA-1 timed out on " + jira.url(), e.getMessage());
    }
  }

  @Test
  void aDownloadThatStallsBetweenChunksFailsAfterTheTimeout() throws IOException {
    try (SlowOrigin jira = new SlowOrigin(0, List.of(Piece.of(Duration.ZERO, "abc"),
        Piece.of(Duration.ofMinutes(2), "def")))) {
      IssueTracker pa = slowProject(jira, JiraFlavour.CLOUD);

      try (InputStream in = pa.download("10")) {
        assertEquals("abc", new String(in.readNBytes(3), java.nio.charset.StandardCharsets.UTF_8));
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
            () -> assertThrows(IOException.class, in::read));

        assertTrue(e instanceof HttpTimeoutException, e.toString());
        assertEquals("GET /rest/api/3/attachment/content/10: no bytes came for longer than the"
            + " timeout (1 s)", e.getMessage());
      }
    }
  }

  @Test
  void aSlowButSteadyDownloadTakesLongerThanTheTimeout() throws IOException {
    try (SlowOrigin jira = new SlowOrigin(0, Collections.nCopies(8,
        Piece.of(Duration.ofMillis(300), "chunk")))) {
      IssueTracker pa = slowProject(jira, JiraFlavour.CLOUD);
      ByteArrayOutputStream read = new ByteArrayOutputStream();

      try (InputStream in = pa.download("10")) {
        in.transferTo(read);
      }

      assertEquals("chunk".repeat(8), read.toString(java.nio.charset.StandardCharsets.UTF_8),
          "2.4 s of steady chunks, with a timeout of 1 s");
    }
  }
}
