package org.backbonesync.core;

import static org.backbonesync.core.AdminText.shown;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backbonesync.core.internal.Arguments;

/**
 * Values the admin takes from a request (issue keys, message ids, sync information ids), checked
 * before any store sees them, by {@link SyncAdmin} for its typed callers and by the REST handler
 * for what only a request has (query parameters, path segments that are numbers).
 */
final class AdminParameters {
  /**
   * A task id as the admin gives it: the store's number (no sign, no leading zero), then, for a
   * task an anonymous caller started, "." and its unguessable part (32 lower-case hex digits).
   */
  private static final Pattern TASK_ID = Pattern.compile("([1-9][0-9]{0,18})(\\.[0-9a-f]{32})?");

  /** The largest task number, to compare with one of 19 digits. */
  private static final String MAX_LONG = String.valueOf(Long.MAX_VALUE);

  private AdminParameters() {}

  /**
   * An issue key from the request, checked before any store sees it, as the engine checks it
   * ({@link Arguments#issueKey}): 1 to 255 characters and no control character (PostgreSQL
   * refuses a NUL in text, which would otherwise be a 500).
   *
   * @param where the key's place in the request, e.g. {@code issueKey} or {@code ?localIssueKey}
   * @return the key; null when {@code key} is null (an absent query parameter)
   */
  static String issueKey(String where, String key) {
    return key == null ? null : text(where, key, Arguments.MAX_ISSUE_KEY_LENGTH);
  }

  /** {@link #issueKey}, where a key is required: null is refused too. */
  static String requiredIssueKey(String where, String key) {
    return issueKey(where, required(where, key));
  }

  /**
   * A trace's issue key: {@link #requiredIssueKey}, and of an issue key's form ({@link
   * Arguments#issueKeyShapeProblem}): any other names no issue (a trace of {@code
   * ../../etc/passwd} answered 200 with an empty history).
   *
   * @param where the key's place in the request, {@code issueKey}
   */
  static String traceIssueKey(String where, String key) {
    requiredIssueKey(where, key);
    String problem = Arguments.issueKeyShapeProblem(key);
    if (problem != null) {
      throw new AdminException(400, where + " " + problem,
          List.of(new ConfigurationProblem(where, problem)));
    }
    return key;
  }

  /**
   * A message id from the request, checked as an issue key is but up to 512 characters: an id
   * no store can hold is no message's, and PostgreSQL would refuse a NUL with a 500.
   *
   * @param where the id's place in the request, {@code messageId}
   */
  static String messageId(String where, String id) {
    return text(where, required(where, id), Arguments.MAX_MESSAGE_ID_LENGTH);
  }

  /**
   * A value the request must give: null is a 400 naming it, as a REST layer answers a missing
   * body.
   *
   * @param where the value's name, e.g. {@code request} or {@code rows}
   */
  static <T> T required(String where, T value) {
    if (value == null) {
      throw new AdminException(400, where + " " + Arguments.REQUIRED,
          List.of(new ConfigurationProblem(where, Arguments.REQUIRED)));
    }
    return value;
  }

  /** Text of 1 to {@code max} characters without control characters or broken Unicode. */
  private static String text(String where, String value, int max) {
    String problem = Arguments.textProblem(value, max);
    if (problem != null) {
      throw new AdminException(400, Arguments.refusal(where, problem, value),
          List.of(new ConfigurationProblem(where, Arguments.withValue(problem, value))));
    }
    return value;
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

  /**
   * A task id from the request, checked before any store sees it: a whole number from 1 to
   * {@value Long#MAX_VALUE} without a sign or leading zeros, as the stores number tasks, then for
   * a task an anonymous caller started {@code .} and 32 lower-case hex digits. One spelling per
   * task: the JDBC store read {@code 007} as task 7, the in-memory store as no task. A
   * well-formed id that names no task of the caller's is a 404, as before.
   *
   * @param where the id's place in the request, {@code taskId}
   * @return the id; null when {@code id} is null (an unknown task, 404)
   */
  static String taskId(String where, String id) {
    if (id == null) {
      return null;
    }
    Matcher m = TASK_ID.matcher(id);
    if (m.matches() && (m.group(1).length() < 19 || m.group(1).compareTo(MAX_LONG) <= 0)) {
      return id;
    }
    String problem = "must be a task id as the admin gives it (a whole number from 1 to "
        + Long.MAX_VALUE + ", then, for a task an anonymous caller started, \".\" and 32"
        + " lower-case hex digits), was " + shown(id);
    throw new AdminException(400, where + " " + problem,
        List.of(new ConfigurationProblem(where, problem)));
  }
}
