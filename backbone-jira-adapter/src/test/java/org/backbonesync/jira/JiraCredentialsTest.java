package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * Found by a trial: a token with the {@code \r\n} an env file written on Windows leaves at its
 * end reached the {@code Authorization} header, and the HTTP client's refusal quoted the header,
 * token and all, on the service's standard error. Credentials now refuse such a secret when they
 * are made, saying what is wrong and where, never the value; a host's own signer that makes such
 * a header is refused without it too.
 */
class JiraCredentialsTest {
  private static final String SECRET = "f37d0a9c-secret-token";

  private static String refusal(Runnable making) {
    String message = assertThrows(IllegalArgumentException.class, making::run).getMessage();
    assertFalse(message.contains(SECRET), message);
    return message;
  }

  @Test
  void aTokenWithALineBreakAtItsEndIsRefusedWithoutShowingIt() {
    String message = refusal(() -> JiraCredentials.personalAccessToken(SECRET + "\r\n"));

    assertEquals("token has a line break (U+000D) at its end (not shown); remove it where the"
        + " token is set", message);
  }

  @Test
  void aControlCharacterInsideAnyFactorysSecretIsRefused() {
    assertTrue(refusal(() -> JiraCredentials.apiToken("sync@example.com", "f37d\u0007" + SECRET))
        .startsWith("apiToken has a control character (U+0007) inside"));
    assertTrue(refusal(() -> JiraCredentials.password("sync", SECRET + "\r"))
        .startsWith("password has a line break (U+000D) at its end"));
    assertTrue(refusal(() -> JiraCredentials.apiToken("\nsync@example.com", SECRET))
        .startsWith("email has a line break (U+000A) at its start"));
  }

  /** Basic authentication ends the user at the first colon: the sign-in could only fail. */
  @Test
  void aBasicUserWithAColonIsRefusedWithoutShowingIt() {
    assertEquals("userName has a colon, where basic authentication ends the user name (not"
        + " shown: it may hold a password); give the password apart",
        refusal(() -> JiraCredentials.password("sync:" + SECRET, SECRET)));
    assertEquals("email has a colon, where basic authentication ends the user name (not"
        + " shown: it may hold a password); give the password apart",
        refusal(() -> JiraCredentials.apiToken("sync@example.com:" + SECRET, SECRET)));

    JiraCredentials.password("sync", "pass:word");
  }

  @Test
  void aPersonalAccessTokenEndingInASpaceIsRefused() {
    assertTrue(refusal(() -> JiraCredentials.personalAccessToken(SECRET + " "))
        .startsWith("token has a space at its start or end"));
  }

  @Test
  void aSignerThatMakesAnInvalidHeaderIsRefusedWithoutTheHeader() {
    JiraSite site = JiraSite.builder(URI.create("http://127.0.0.1:1"))
        .credentials(JiraCredentials.signedBy((request, method, uri) ->
            request.setHeader("Authorization", "Bearer " + SECRET + "\r\n")))
        .flavour(JiraFlavour.CLOUD).maxAttempts(1).sleeper(wait -> { }).build();

    String message = refusal(site::signedInUser);

    assertTrue(message.startsWith("JiraCredentials[request signer] made a request header the"
        + " HTTP client refuses"), message);
  }
}
