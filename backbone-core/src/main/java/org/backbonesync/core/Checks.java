package org.backbonesync.core;

import java.time.Duration;
import java.util.Map;
import org.backbonesync.core.internal.Shown;
import org.backbonesync.spi.internal.Escapes;

/** Argument checks whose messages name the field and the bad value. */
final class Checks {
  private Checks() {}

  static String notBlank(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          field + " must not be blank, was " + (value == null ? "null" : "\"" + value + "\""));
    }
    return value;
  }

  static <T> T notNull(String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    return value;
  }

  /** Puts a connector's value, refusing a second one for the same connector key. */
  static <T> void once(String field, Map<String, T> byKey, String connectorKey, T value) {
    if (byKey.putIfAbsent(connectorKey, value) != null) {
      throw new IllegalArgumentException(field + " given twice for connector \""
          + connectorKey + "\"; give one per connector");
    }
  }

  static int between(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          field + " must be from " + min + " to " + max + ", was " + value);
    }
    return value;
  }

  static int positive(String field, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(field + " must be at least 1, was " + value);
    }
    return value;
  }

  /**
   * The longest duration a setting takes: a year, so that any time computed from it (the clock
   * plus it, ten times it, in nanoseconds) fits a long.
   */
  static final Duration MAX_DURATION = Duration.ofDays(365);

  /**
   * A name that stores keep and logs show: not blank, at most 255 characters (the JDBC stores'
   * columns), and printable (a line break in it would forge log lines).
   */
  static String name(String field, String value) {
    notBlank(field, value);
    String problem = nameProblem(value);
    if (problem != null) {
      throw new IllegalArgumentException(field + " " + problem);
    }
    return value;
  }

  /** What is wrong with a name that is not blank ({@link #name}), or null when nothing. */
  static String nameProblem(String value) {
    return value.length() > ShapeChecker.MAX_TEXT || !Escapes.printable(value)
        ? "must be at most 255 characters without control or format characters, was "
            + Shown.quoted(value)
        : null;
  }

  static Duration notNegative(String field, Duration value) {
    notNull(field, value);
    if (value.isNegative() || value.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(field + " must be from 0 to 365 days, was " + value);
    }
    return value;
  }

  /** At least a millisecond (the clocks' unit: less would be 0) and at most a year. */
  static Duration positive(String field, Duration value) {
    return between(field, value, Duration.ofMillis(1), "1 ms to 365 days");
  }

  /**
   * At least {@code min} and at most a year.
   *
   * @param range the range as a refusal says it ("1 s to 365 days"), with why, if it needs saying
   */
  static Duration between(String field, Duration value, Duration min, String range) {
    notNull(field, value);
    if (value.compareTo(min) < 0 || value.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(field + " must be from " + range + ", was " + value);
    }
    return value;
  }
}
