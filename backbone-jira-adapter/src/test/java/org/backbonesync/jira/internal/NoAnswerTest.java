package org.backbonesync.jira.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The words of a request that got no answer: the origin, the cause's text, and nothing a cause
 * could carry that must not be printed (credentials, the query, control characters, length).
 */
class NoAnswerTest {
  private static final URI SEARCH = URI.create(
      "https://jira.example.com:8443/jira/rest/api/2/search?jql=reporter%3Dalice");

  private static String why(IOException e) {
    return NoAnswer.why(e, SEARCH, text -> text.replace("hunter2", "***"));
  }

  @Test
  void theOriginAndTheCauseAreNamed() {
    assertEquals("failed on https://jira.example.com:8443 (ConnectException: Connection refused)",
        why(new ConnectException("Connection refused")));
    assertEquals("failed on https://jira.example.com:8443 (ConnectException: could not connect)",
        why(new ConnectException()), "JDK 17 gives no text");
    assertEquals("failed on https://jira.example.com:8443 (IOException: EOF reached)",
        why(new IOException(null, new IOException("EOF reached"))), "a wrapped cause's text");
    assertEquals("timed out on https://jira.example.com:8443",
        why(new HttpTimeoutException("request timed out")));
  }

  @Test
  void aCauseQuotingTheRequestOrACredentialShowsNeither() {
    String why = why(new IOException("Basic hunter2 refused for " + SEARCH + "; jql=reporter"
        + "=alice\r\nX-Forged: 1 " + "x".repeat(300)));

    String shown = "Basic *** refused for https://jira.example.com:8443/jira/rest/api/2/search?…;"
        + " …\\u000d\\u000aX-Forged: 1 ";
    assertEquals("failed on https://jira.example.com:8443 (IOException: " + shown
        + "x".repeat(200 - shown.length()) + "…)", why, "cut at 200 characters");
  }
}
