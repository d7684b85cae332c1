package org.backbonesync.jira.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * What signing added to a request (header values, the token inside them, the password inside
 * basic authentication), to blot out of text the other side sends back: a hostile or
 * misconfigured server may echo a header in its error messages, a redirect's Location, a header.
 * Each is blotted out whole, percent-encoded too (as a URL carries it), and so is any run of
 * {@value #FRAGMENT} or more characters of a token or password: a text someone cut before it
 * reached here (Jira's message, the JSON parser's, which quotes at most 256 characters) still
 * shows none of it. Cut a text only after it is scrubbed. Immutable.
 */
record Secrets(List<String> values, List<Token> fragmented) {
  static final Secrets NONE = new Secrets(List.of(), List.of());

  /** How many secrets, never what they are (a record's own toString would print them). */
  @Override
  public String toString() {
    return "Secrets[" + values.size() + " values, " + fragmented.size() + " tokens]";
  }
  /** Shorter texts are not looked for: they would blot out ordinary words. */
  private static final int SHORTEST = 4;
  /** The shortest run of a token's characters blotted out where the whole is not there. */
  static final int FRAGMENT = 12;
  private static final String BLOT = "***";
  /** The most texts {@link #and} keeps. */
  private static final int MAX_KEPT = 64;

  static Secrets of(Set<String> headerValues) {
    Set<String> whole = new LinkedHashSet<>();
    Set<String> tokens = new LinkedHashSet<>();
    for (String v : headerValues) {
      whole.add(v);
      int space = v.indexOf(' ');
      String token = space > 0 ? v.substring(space + 1).trim() : v;
      tokens.add(token);
      if (space > 0 && v.substring(0, space).equalsIgnoreCase("Basic")) {
        basic(token, whole, tokens);
      }
    }
    whole.addAll(tokens);
    for (String s : List.copyOf(whole)) {
      whole.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
    }
    return new Secrets(longestFirst(whole, s -> s, SHORTEST),
        longestFirst(tokens.stream().map(Token::of).toList(), Token::text, FRAGMENT));
  }

  /**
   * A token, and its windows of {@value #FRAGMENT} characters from each position in turn, cut
   * once when the secrets are made rather than at every scrub.
   */
  record Token(String text, List<String> windows) {
    @Override
    public String toString() {
      return "Token[***]"; // (never the secret, wherever a record is printed)
    }

    static Token of(String text) {
      List<String> windows = new ArrayList<>();
      for (int from = 0; from + FRAGMENT <= text.length(); from++) {
        windows.add(text.substring(from, from + FRAGMENT));
      }
      return new Token(text, List.copyOf(windows));
    }
  }

  /**
   * These and the other's: the secrets of the requests signed so far. When together they would
   * be many (a signer whose header changes with every request), the other's alone.
   */
  Secrets and(Secrets other) {
    if (values.containsAll(other.values) && fragmented.containsAll(other.fragmented)) {
      return this;
    }
    if (values.size() + other.values.size() > MAX_KEPT) {
      return other;
    }
    Set<String> whole = new LinkedHashSet<>(values);
    whole.addAll(other.values);
    Set<Token> tokens = new LinkedHashSet<>(fragmented);
    tokens.addAll(other.fragmented);
    return new Secrets(longestFirst(whole, s -> s, SHORTEST),
        longestFirst(tokens, Token::text, FRAGMENT));
  }

  /** The user and password pair of a basic header, and the password alone. */
  private static void basic(String token, Set<String> whole, Set<String> tokens) {
    try {
      String pair = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
      whole.add(pair);
      int colon = pair.indexOf(':');
      if (colon >= 0) {
        tokens.add(pair.substring(colon + 1));
      }
    } catch (IllegalArgumentException e) {
      // not base64: the token itself is already listed
    }
  }

  private static <T> List<T> longestFirst(Collection<T> items, Function<T, String> text,
      int shortest) {
    List<T> out = new ArrayList<>();
    for (T item : items) {
      if (text.apply(item).length() >= shortest) {
        out.add(item);
      }
    }
    out.sort((a, b) -> text.apply(b).length() - text.apply(a).length());
    return List.copyOf(out);
  }

  /** The text with every secret, and every run of a token's characters, as {@code ***}. */
  String scrub(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : values) {
      out = out.replace(secret, BLOT);
    }
    for (Token token : fragmented) {
      out = withoutRuns(out, token);
    }
    return out;
  }

  /** Blots out every run of {@value #FRAGMENT} or more characters that is part of the token. */
  private static String withoutRuns(String text, Token token) {
    String whole = token.text();
    boolean[] secret = null; // made at the first run found: most texts hold none
    for (int from = 0; from < token.windows().size(); from++) {
      String window = token.windows().get(from);
      for (int at = text.indexOf(window); at >= 0; at = text.indexOf(window, at + 1)) {
        int end = at + FRAGMENT;
        while (end < text.length() && from + end - at < whole.length()
            && text.charAt(end) == whole.charAt(from + end - at)) {
          end++;
        }
        if (secret == null) {
          secret = new boolean[text.length()];
        }
        Arrays.fill(secret, at, end, true);
      }
    }
    if (secret == null) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      if (!secret[i]) {
        out.append(text.charAt(i));
      } else if (i == 0 || !secret[i - 1]) {
        out.append(BLOT);
      }
    }
    return out.toString();
  }
}
