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

  static long syncInfoId(String id) {
    try {
      if (!id.matches("[0-9]{1,19}")) { // parseLong also takes "+2" and other scripts' digits
        throw new NumberFormatException(id);
      }
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new AdminException(400, "syncInfoId must be a number, was " + shown(id));
    }
  }
}
