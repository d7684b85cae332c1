package org.backbonesync.core.internal;

import java.util.regex.Pattern;
import org.backbonesync.spi.internal.Escapes;

/**
 * The checks of the arguments of {@link org.backbonesync.core.SyncEngine}'s methods, before any
 * store sees them: a refusal is an {@link IllegalArgumentException}; {@code SyncAdmin} makes the
 * same checks of what a host's REST layer hands it, and answers a 400 in the same words.
 */
public final class Arguments {
  /** The longest issue key; as the stores' key columns (JDBC: {@code VARCHAR(255)}). */
  public static final int MAX_ISSUE_KEY_LENGTH = 255;
  /** The longest message id; as the stores' message id columns (JDBC: {@code VARCHAR(512)}). */
  public static final int MAX_MESSAGE_ID_LENGTH = 512;
  /** What {@link #required} says of a null. */
  public static final String REQUIRED = "is required, was null";

  private Arguments() {}

  /** A value the call needs: null is refused naming it ({@code request is required, was null}). */
  public static <T> T required(String where, T value) {
    if (value == null) {
      throw new IllegalArgumentException(where + " " + REQUIRED);
    }
    return value;
  }

  /** An issue key, 1 to 255 characters without control characters; null passes (any issue). */
  public static String issueKey(String where, String key) {
    return key == null ? null : text(where, key, MAX_ISSUE_KEY_LENGTH);
  }

  /** {@link #issueKey}, where a key is required: null is refused too. */
  public static String requiredIssueKey(String where, String key) {
    return issueKey(where, required(where, key));
  }

  /**
   * The form of an issue key of a project, as an import of sync information checks it: the
   * project's key, {@code -} and a number from 1 without leading zeros, up to 18 digits.
   */
  public static Pattern issueKeyOf(String projectKey) {
    return Pattern.compile(Pattern.quote(projectKey) + "-[1-9][0-9]{0,17}");
  }

  /** Jira's issue key: a project key (a capital letter, then capitals, digits or _), a number. */
  private static final Pattern ISSUE_KEY_SHAPE =
      Pattern.compile("[A-Z][A-Z0-9_]*-[1-9][0-9]{0,17}");

  /**
   * What is wrong with a key that has not an issue key's form ({@code PA-12}: a project key as
   * Jira forms one, {@code -} and a number from 1 without leading zeros, up to 18 digits), with
   * the key; null when it has. A trace is asked by either side's key, and by a project's new key
   * after an administrator renamed it (the connector's {@code projectKey} stays the old one), so
   * the project is not checked; any other form (a path such as {@code ../../etc/passwd}) names
   * no issue.
   */
  public static String issueKeyShapeProblem(String key) {
    return ISSUE_KEY_SHAPE.matcher(key).matches() ? null
        : "must be an issue key such as PA-12 (a project key of capitals, digits or _ starting"
            + " with a capital, \"-\" and a number from 1), was " + Shown.quoted(key);
  }

  /** A message id: required, 1 to 512 characters without control characters. */
  public static String messageId(String where, String id) {
    return text(where, required(where, id), MAX_MESSAGE_ID_LENGTH);
  }

  /**
   * What is wrong with a text of 1 to {@code max} characters without control characters or
   * broken Unicode (PostgreSQL refuses a NUL in text, which would otherwise be a database
   * error), or null when nothing.
   */
  public static String textProblem(String value, int max) {
    if (value.isEmpty() || value.length() > max) {
      return "must be 1 to " + max + " characters, was " + value.length();
    }
    if (value.chars().anyMatch(Character::isISOControl) || !Escapes.pairedSurrogates(value)) {
      return "must not hold control characters or broken Unicode";
    }
    return null;
  }

  /** The refusal of a value {@link #textProblem} found a problem with, the value escaped. */
  public static String refusal(String where, String problem, String value) {
    return where + " " + withValue(problem, value);
  }

  /**
   * A problem {@link #textProblem} found, with the value escaped and cut ({@code must not hold
   * control characters or broken Unicode: "x\\u0000"}): the words of a 400's problem at its
   * place, which named no value before.
   */
  public static String withValue(String problem, String value) {
    return problem + ": " + Shown.quoted(value);
  }

  private static String text(String where, String value, int max) {
    String problem = textProblem(value, max);
    if (problem != null) {
      throw new IllegalArgumentException(refusal(where, problem, value));
    }
    return value;
  }
}
