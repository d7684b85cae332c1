package org.backbonesync.core;

import static org.backbonesync.core.AdminText.shown;

import java.util.List;

/**
 * Values the admin REST takes from a request's path or query (issue keys, sync information ids),
 * checked before any store sees them.
 */
final class AdminParameters {
  /** The longest issue key a trace is asked for; as the stores' key columns. */
  private static final int MAX_ISSUE_KEY_LENGTH = 255;

  private AdminParameters() {}

  /**
   * An issue key from the request, checked before any store sees it: 1 to 255 characters and no
   * control character (PostgreSQL refuses a NUL in text, which would otherwise be a 500).
   *
   * @param where the key's place in the request, e.g. {@code issueKey} or {@code ?localIssueKey}
   * @return the key; null when {@code key} is null (an absent query parameter)
   */
  static String issueKey(String where, String key) {
    if (key == null) {
      return null;
    }
    String problem = null;
    if (key.isEmpty() || key.length() > MAX_ISSUE_KEY_LENGTH) {
      problem = "must be 1 to " + MAX_ISSUE_KEY_LENGTH + " characters, was " + key.length();
    } else if (key.chars().anyMatch(Character::isISOControl) || !validSurrogates(key)) {
      problem = "must not hold control characters or broken Unicode";
    }
    if (problem != null) {
      throw new AdminException(400, where + " " + problem + ": " + shown(key),
          List.of(new ConfigurationProblem(where, problem)));
    }
    return key;
  }

  private static boolean validSurrogates(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A sync information id from the request: a whole number written in ASCII digits, from 0 to
   * {@value Long#MAX_VALUE}.
   *
   * @param where the id's place in the request, {@code ?syncInfoId} or {@code syncInfoId} (path)
   */
  static long syncInfoId(String where, String id) {
    if (id.matches("[0-9]{1,19}")) { // parseLong also takes "+2" and other scripts' digits
      try {
        return Long.parseLong(id);
      } catch (NumberFormatException tooLarge) {
        // refused below, as any other value out of range
      }
    }
    String problem = "must be a whole number from 0 to " + Long.MAX_VALUE + ", was " + shown(id);
    throw new AdminException(400, where + " " + problem,
        List.of(new ConfigurationProblem(where, problem)));
  }
}
