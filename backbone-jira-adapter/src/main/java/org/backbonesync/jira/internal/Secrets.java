package org.backbonesync.jira.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What signing added to a request (header values, the token inside them, the password inside
 * basic authentication), to blot out of text the other side sends back: a hostile or
 * misconfigured server may echo a header in its error messages, a redirect's Location, a header.
 * Each is blotted out whole, percent-encoded too (as a URL carries it), and so is any run of
 * {@value #FRAGMENT} or more characters of a token or password: a text someone cut before it
 * reached here (Jira's message, the JSON parser's, which quotes at most 256 characters) still
 * shows none of it. Cut a text only after it is scrubbed. Immutable.
 */
record Secrets(List<String> values, List<String> fragmented) {
  static final Secrets NONE = new Secrets(List.of(), List.of());
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
    return new Secrets(longestFirst(whole, SHORTEST), longestFirst(tokens, FRAGMENT));
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
    Set<String> tokens = new LinkedHashSet<>(fragmented);
    tokens.addAll(other.fragmented);
    return new Secrets(longestFirst(whole, SHORTEST), longestFirst(tokens, FRAGMENT));
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

  private static List<String> longestFirst(Set<String> texts, int shortest) {
    List<String> out = new ArrayList<>();
    for (String s : texts) {
      if (s.length() >= shortest) {
        out.add(s);
      }
    }
    out.sort((a, b) -> b.length() - a.length());
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
    for (String token : fragmented) {
      out = withoutRuns(out, token);
    }
    return out;
  }

  /** Blots out every run of {@value #FRAGMENT} or more characters that is part of the token. */
  private static String withoutRuns(String text, String token) {
    boolean[] secret = new boolean[text.length()];
    boolean any = false;
    for (int from = 0; from + FRAGMENT <= token.length(); from++) {
      String window = token.substring(from, from + FRAGMENT);
      for (int at = text.indexOf(window); at >= 0; at = text.indexOf(window, at + 1)) {
        int end = at + FRAGMENT;
        while (end < text.length() && from + end - at < token.length()
            && text.charAt(end) == token.charAt(from + end - at)) {
          end++;
        }
        java.util.Arrays.fill(secret, at, end, true);
        any = true;
      }
    }
    if (!any) {
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
