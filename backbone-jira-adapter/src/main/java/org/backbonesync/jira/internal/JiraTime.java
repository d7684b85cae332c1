package org.backbonesync.jira.internal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Jira's timestamps: {@code 2012-04-12T14:28:44.079+0200}, an offset without a colon. */
public final class JiraTime {
  private static final DateTimeFormatter WIRE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ", Locale.ROOT);
  private static final DateTimeFormatter JQL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

  private JiraTime() {}

  /**
   * Epoch millis of a Jira timestamp. Accepts the offset with or without a colon, {@code Z}, and
   * no fraction of a second, since servers and versions differ.
   *
   * @throws IllegalArgumentException naming the value (escaped and cut, {@link JiraText#quoted})
   *     when it is not a timestamp, or one beyond what epoch milliseconds hold (the year
   *     +999999999 parses); without the parser's exception, which quotes it whole
   */
  public static long parse(String value) {
    if (value == null) {
      throw new IllegalArgumentException("timestamp must not be null");
    }
    String v = value.trim();
    if (v.matches(".*[+-]\\d{4}$")) {
      v = v.substring(0, v.length() - 2) + ":" + v.substring(v.length() - 2);
    } else if (v.matches(".*[+-]\\d{2}$")) {
      v = v + ":00";
    }
    try {
      return OffsetDateTime.parse(v, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant()
          .toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a Jira timestamp: " + JiraText.quoted(value));
    } catch (ArithmeticException e) { // a year the parser takes, past a long's milliseconds
      throw new IllegalArgumentException("not a Jira timestamp: " + JiraText.quoted(value)
          + " is past the range of epoch milliseconds");
    }
  }

  /** A timestamp as Jira writes it, in a zone. */
  public static String format(long epochMillis, ZoneId zone) {
    return WIRE.format(Instant.ofEpochMilli(epochMillis).atZone(zone));
  }

  /**
   * The minute containing a time, as JQL reads a bare date-time ({@code "2026-11-23 08:41"}) in
   * the searching user's zone: JQL has minute precision, so a search from here is a superset.
   */
  public static String jqlMinute(long epochMillis, ZoneId zone) {
    long at = epochMillis;
    java.time.LocalDateTime local = java.time.LocalDateTime.ofInstant(Instant.ofEpochMilli(at),
        zone);
    // In the hour a clock turns back, a bare time names two instants and Jira may read the
    // later one: step back until the time names one, so the search never starts too late.
    for (int i = 0; i < 4 && zone.getRules().getValidOffsets(local).size() > 1; i++) {
      at -= 3_600_000;
      local = java.time.LocalDateTime.ofInstant(Instant.ofEpochMilli(at), zone);
    }
    return JQL.format(local);
  }

  /** The first millisecond of a JQL minute in a zone. */
  public static long parseJqlMinute(String value, ZoneId zone) {
    try {
      return java.time.LocalDateTime.parse(value.trim(), JQL).atZone(zone).toInstant()
          .toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a JQL date-time (yyyy-MM-dd HH:mm): \"" + value
          + "\"", e);
    }
  }
}
