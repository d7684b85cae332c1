package org.backbonesync.jira;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * How requests to a Jira site authenticate. The secret is kept inside and never appears in
 * {@link #toString()}, logs or exception messages; where Jira echoes a header back in an error,
 * the adapter blots out what signing added before the text reaches a message. It goes only to
 * the site's origin.
 */
public final class JiraCredentials {

  /**
   * Signs a request the host's own way (OAuth, an app's JWT): adds headers to it.
   * Called once per attempt of every request, from the sending thread.
   */
  @FunctionalInterface
  public interface RequestSigner {
    /** Adds what authenticates the request (typically an {@code Authorization} header). */
    void sign(HttpRequest.Builder request, String method, URI uri);
  }

  private final String kind;
  private final String user;
  private final RequestSigner signer;

  private JiraCredentials(String kind, String user, RequestSigner signer) {
    this.kind = kind;
    this.user = user;
    this.signer = signer;
  }

  /**
   * Jira Cloud: basic authentication with an account's e-mail address and an API token.
   *
   * @throws IllegalArgumentException when either is blank or holds a control character (a line
   *     break an env file left at its end, say), or the e-mail address a colon (which basic
   *     authentication takes as the end of the user), naming which and where, never the value
   */
  public static JiraCredentials apiToken(String email, String apiToken) {
    return basic("api token", user("email", email), require("apiToken", apiToken));
  }

  /**
   * Jira Data Center 8.14 and later: a personal access token sent as a Bearer token.
   *
   * @throws IllegalArgumentException when it is blank, holds a control character or begins or
   *     ends with a space (a header value cannot carry those as they are), never showing it
   */
  public static JiraCredentials personalAccessToken(String token) {
    String header = "Bearer " + require("token", token);
    if (!token.equals(token.strip())) {
      throw new IllegalArgumentException("token has a space at its start or end, which a"
          + " request header cannot carry (the token is not shown)");
    }
    return new JiraCredentials("personal access token", null,
        (request, method, uri) -> request.setHeader("Authorization", header));
  }

  /**
   * Jira Server (legacy): basic authentication with a user name and password.
   *
   * @throws IllegalArgumentException as {@link #apiToken}
   */
  public static JiraCredentials password(String userName, String password) {
    return basic("password", user("userName", userName), require("password", password));
  }

  /** Requests signed by the host, for schemes this library does not implement. */
  public static JiraCredentials signedBy(RequestSigner signer) {
    return new JiraCredentials("request signer", null, Objects.requireNonNull(signer, "signer"));
  }

  private static JiraCredentials basic(String kind, String user, String secret) {
    String header = "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    return new JiraCredentials(kind, user,
        (request, method, uri) -> request.setHeader("Authorization", header));
  }

  /**
   * The value, unless blank or holding a control character: a line break an env file written on
   * Windows leaves at a token's end would otherwise reach a header, whose refusal by the HTTP
   * client quotes it. The refusal says where the character is, never the value. ({@link
   * JiraWebhookHandler.Builder#secret} checks its secret so too.)
   */
  static String require(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(name + " has a "
            + (c == '\r' || c == '\n' ? "line break" : "control character")
            + String.format(" (U+%04X) ", (int) c)
            + (blank(value.substring(i)) ? "at its end" : blank(value.substring(0, i + 1))
                ? "at its start" : "inside")
            + " (not shown); remove it where the " + name + " is set");
      }
    }
    return value;
  }

  /**
   * A user of basic authentication, as {@link #require}, and without a colon: the header carries
   * {@code user:password}, and the site takes the user to end at the first colon (RFC 7617), so
   * the sign-in could only fail. Not shown: a {@code user:password} pasted here holds a secret.
   */
  private static String user(String name, String value) {
    require(name, value);
    if (value.indexOf(':') >= 0) {
      throw new IllegalArgumentException(name + " has a colon, where basic authentication ends"
          + " the user name (not shown: it may hold a password); give the password apart");
    }
    return value;
  }

  /** Whether a text is spaces and control characters only. */
  private static boolean blank(String text) {
    return text.chars().allMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
  }

  /**
   * Adds the authentication to a request. The adapter calls it only for requests to the site's
   * own origin (scheme, host and port), never for a redirect elsewhere.
   */
  public void authorize(HttpRequest.Builder request, String method, URI uri) {
    signer.sign(request, method, uri);
  }

  @Override
  public String toString() {
    return "JiraCredentials[" + kind + (user == null ? "" : " for " + user) + "]";
  }
}
