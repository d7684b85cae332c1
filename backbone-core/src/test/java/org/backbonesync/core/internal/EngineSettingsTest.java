package org.backbonesync.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EngineSettingsTest {
  private final EngineSettings settings = new EngineSettings(Duration.ofSeconds(30),
      Duration.ofMinutes(1), 100, 100, 100, Duration.ofSeconds(1), Duration.ofMinutes(5),
      Duration.ofSeconds(5), Duration.ofHours(1), java.util.Set.of(), "node-1",
      Duration.ofMinutes(1), 20);

  @Test
  void backoffDoublesFromTheFirstWaitUpToTheMaximum() {
    assertEquals(1_000, settings.backoffMillis(1));
    assertEquals(2_000, settings.backoffMillis(2));
    assertEquals(4_000, settings.backoffMillis(3));
    assertEquals(256_000, settings.backoffMillis(9));
    assertEquals(300_000, settings.backoffMillis(10));
    assertEquals(300_000, settings.backoffMillis(1_000));
  }
}
