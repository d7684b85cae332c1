package org.backbonesync.transport;

import java.time.Duration;

/**
 * The bounds of the transports' durations. Each is added to a time in epoch milliseconds (an
 * envelope id or an announcement is remembered until then), so an absurd one wrapped past a
 * long's end to a time long past, and the id was forgotten at once; or its milliseconds
 * overflowed on every use.
 */
final class Durations {
  /** The longest duration counted in days: a year is no transfer's or retention's time. */
  static final Duration YEAR = Duration.ofDays(365);
  /** The longest duration counted in hours or minutes. */
  static final Duration DAY = Duration.ofDays(1);

  private Durations() {}

  /**
   * The value when it is from 1 ms to {@code max}.
   *
   * @throws IllegalArgumentException naming the setting and the value
   */
  static Duration within(String name, Duration value, Duration max) {
    if (value == null || value.compareTo(Duration.ofMillis(1)) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(name + " must be from 1 ms to " + (max.toDays() == 1
          ? "1 day" : max.toDays() + " days") + ", was " + value);
    }
    return value;
  }
}
