package org.backbonesync.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A clock that moves only when told to, at millisecond precision. Thread-safe. Give the same
 * instance to the engine and the in-memory trackers so that tests control all time.
 */
public final class ManualClock extends Clock {
  private final AtomicLong millis;
  private final ZoneId zone;

  /** A clock at {@code start}, in UTC. */
  public ManualClock(Instant start) {
    this(new AtomicLong(start.toEpochMilli()), ZoneOffset.UTC);
  }

  private ManualClock(AtomicLong millis, ZoneId zone) {
    this.millis = millis;
    this.zone = zone;
  }

  /** A clock at 2026-01-01T09:00:00Z. */
  public static ManualClock startingAt2026() {
    return new ManualClock(Instant.parse("2026-01-01T09:00:00Z"));
  }

  /** Moves time forward. */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, was " + duration);
    }
    millis.addAndGet(duration.toMillis());
  }

  /** Moves time forward to {@code epochMillis}; does nothing when it is already later. */
  public void advanceTo(long epochMillis) {
    millis.accumulateAndGet(epochMillis, Math::max);
  }

  /**
   * A clock that reads this one plus as many milliseconds as {@code ahead} gives at each reading
   * (negative: behind): an engine node's or a tracker's clock that runs fast or slow, by an
   * amount a test may change. Its zone is this clock's.
   */
  public Clock ahead(LongSupplier ahead) {
    ManualClock base = this;
    return new Clock() {
      @Override
      public long millis() {
        return base.millis() + ahead.getAsLong();
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(millis());
      }

      @Override
      public ZoneId getZone() {
        return base.getZone();
      }

      @Override
      public Clock withZone(ZoneId newZone) {
        return new ManualClock(base.millis, newZone).ahead(ahead);
      }
    };
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A view in another zone that shares this clock's time. */
  @Override
  public Clock withZone(ZoneId newZone) {
    return new ManualClock(millis, newZone);
  }

  @Override
  public String toString() {
    return "ManualClock[" + instant() + "]";
  }
}
