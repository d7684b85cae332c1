package org.backbonesync.jira.internal;

import java.util.regex.Pattern;

/**
 * A request path as a template for metrics: segments that are words stay ({@code rest}, {@code
 * issue}, {@code search}, {@code backboneSync}), an API version stays ({@code 3}, {@code 1.0}),
 * an issue key becomes {@code {key}}, a longer number {@code {id}}, anything else (a file name,
 * an account id) {@code {name}}. So the templates of one site are a small, fixed set.
 */
final class JiraEndpoints {
  private static final Pattern WORD = Pattern.compile("[a-zA-Z]{1,40}");
  private static final Pattern VERSION = Pattern.compile("[0-9]{1,2}(\\.[0-9]{1,2})?");
  private static final Pattern KEY = Pattern.compile("[A-Z][A-Z0-9_]*-[0-9]+");
  private static final Pattern ID = Pattern.compile("[0-9]+");

  private JiraEndpoints() {}

  static String template(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    StringBuilder out = new StringBuilder();
    for (String segment : rawPath.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      out.append('/').append(KEY.matcher(segment).matches() ? "{key}"
          : WORD.matcher(segment).matches() ? segment
          : VERSION.matcher(segment).matches() ? segment
          : ID.matcher(segment).matches() ? "{id}"
          : "{name}");
    }
    return out.isEmpty() ? "/" : out.toString();
  }
}
