package org.backbonesync.core.internal;

import java.util.regex.Pattern;

/**
 * The prefix a comment copy starts with to name the original's author, from the comments
 * mapping's {@code authorPrefix} template: written on a copy, and taken off again when the copy's
 * body is sent back.
 */
final class AuthorPrefix {
  private final String template;
  private final Pattern pattern;
  /** The prefix with the first author's place captured; null when it names no author. */
  private final Pattern named;

  /** @param template the text with {@code {author}} where the author's name goes; may be empty */
  AuthorPrefix(String template) {
    this.template = template;
    String[] parts = template.split(Pattern.quote("{author}"), -1);
    StringBuilder regex = new StringBuilder("^");
    for (int i = 0; i < parts.length; i++) {
      regex.append(Pattern.quote(parts[i]));
      if (i < parts.length - 1) {
        regex.append(".*?");
      }
    }
    this.pattern = template.isEmpty() ? null : Pattern.compile(regex.toString(), Pattern.DOTALL);
    this.named = parts.length < 2 ? null : Pattern.compile("^" + Pattern.quote(parts[0])
        + "(.*?)" + Pattern.quote(parts[1]), Pattern.DOTALL);
  }

  /**
   * The author's name a copy's body starts with, as this prefix wrote it; null when the template
   * names no author, the body does not start with the prefix, or the name is empty. A copy sent
   * as a side's own (carried after a restore lost its original) goes with this name, not the
   * sync user's.
   */
  String author(String body) {
    if (named == null) {
      return null;
    }
    var m = named.matcher(body);
    return m.find() && !m.group(1).isEmpty() ? m.group(1) : null;
  }

  /** The prefix for a copy of a comment by this author. */
  String of(String authorName) {
    return template.replace("{author}", authorName);
  }

  /** The body without a prefix it starts with. */
  String strip(String body) {
    return pattern == null ? body : pattern.matcher(body).replaceFirst("");
  }
}
