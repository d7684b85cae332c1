package org.backbonesync.core.internal;

/**
 * The two parts of an issue key as Jira makes them: the project's key and the issue's number
 * (PA-7: PA and 7). A project's rename changes the first part of every key and keeps the
 * number, so two keys of one issue before and after a rename share their number.
 */
final class IssueKeys {
  private IssueKeys() {}

  /** The project part of a key ("PA" of PA-7); null for a key without one. */
  static String project(String key) {
    int dash = key.lastIndexOf('-');
    return dash > 0 ? key.substring(0, dash) : null;
  }

  /** The number part of a key ("7" of PA-7); the whole key for one without a project part. */
  static String number(String key) {
    return key.substring(key.lastIndexOf('-') + 1);
  }

  /**
   * Whether two keys have the same number and each a project part: the same issue's keys, when
   * both are known to be of one project, whatever it was called when each was read.
   */
  static boolean sameNumber(String a, String b) {
    return project(a) != null && project(b) != null && number(a).equals(number(b));
  }
}
