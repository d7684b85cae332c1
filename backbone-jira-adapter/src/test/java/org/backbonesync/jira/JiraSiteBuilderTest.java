package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Found by an embedder's trial: settings of {@link JiraSite.Builder} that were taken and failed
 * only later, at a request (a timeout beyond what a long counts, retried for ever) or not at all
 * (a rate so small it paced nothing). Each setter now refuses a bad value at once, naming the
 * setting and the value, as the README says.
 */
class JiraSiteBuilderTest {

  private static JiraSite.Builder builder() {
    return JiraSite.builder(URI.create("https://jira.example.com"));
  }

  private static String refusal(Consumer<JiraSite.Builder> setting) {
    Executable set = () -> setting.accept(builder());
    return assertThrows(IllegalArgumentException.class, set).getMessage();
  }

  @Test
  void aTimeoutOutsideOneMillisecondToOneDayIsRefused() {
    assertEquals("timeout must be from 1 ms to 1 day, was PT2562047788015215H30M7S",
        refusal(b -> b.timeout(Duration.ofSeconds(Long.MAX_VALUE))));
    assertEquals("timeout must be from 1 ms to 1 day, was PT24H0.000000001S",
        refusal(b -> b.timeout(Duration.ofDays(1).plusNanos(1))));
    assertEquals("timeout must be from 1 ms to 1 day, was PT0.000999999S",
        refusal(b -> b.timeout(Duration.ofNanos(999_999))));
    assertEquals("timeout must be from 1 ms to 1 day, was PT0S",
        refusal(b -> b.timeout(Duration.ZERO)));
    assertEquals("timeout must be from 1 ms to 1 day, was PT-1S",
        refusal(b -> b.timeout(Duration.ofSeconds(-1))));
    assertEquals("timeout must be from 1 ms to 1 day, was null",
        refusal(b -> b.timeout(null)));

    builder().timeout(Duration.ofMillis(1)).timeout(Duration.ofDays(1));
  }

  @Test
  void aBackoffOutsideOneMillisecondToOneDayOrWithItsMaxBelowItsBaseIsRefused() {
    assertEquals("backoff base must be from 1 ms to 1 day, was PT2562047788015215H30M7S",
        refusal(b -> b.backoff(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(30))));
    assertEquals("backoff max must be from 1 ms to 1 day, was PT2562047788015215H30M7S",
        refusal(b -> b.backoff(Duration.ofMillis(500), Duration.ofSeconds(Long.MAX_VALUE))));
    assertEquals("backoff base must be from 1 ms to 1 day, was PT0S",
        refusal(b -> b.backoff(Duration.ZERO, Duration.ofSeconds(30))));
    assertEquals("backoff max must be from 1 ms to 1 day, was null",
        refusal(b -> b.backoff(Duration.ofMillis(500), null)));
    assertEquals("backoff max PT0.001S must not be less than backoff base PT20S",
        refusal(b -> b.backoff(Duration.ofSeconds(20), Duration.ofMillis(1))));

    builder().backoff(Duration.ofMillis(1), Duration.ofMillis(1))
        .backoff(Duration.ofDays(1), Duration.ofDays(1));
  }

  @ParameterizedTest
  @ValueSource(doubles = {1e-300, 0.0099, -1, 10_000.5, 1e300, Double.MIN_VALUE, Double.NaN,
      Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void aRateOutsideTheServicesRangeIsRefusedByEverySetterOfOne(double rate) {
    assertEquals("requestsPerSecond must be 0 (no limit) or from 0.01 to 10000, was " + rate,
        refusal(b -> b.requestsPerSecond(rate)));
    assertEquals("endpointRequestsPerSecond must be 0 (no pace) or from 0.01 to 10000, was "
        + rate, refusal(b -> b.endpointRequestsPerSecond(rate, 3)));
    assertEquals("issueWritesPerSecond must be 0 (no pace) or from 0.01 to 10000, was " + rate,
        refusal(b -> b.issueWritesPerSecond(rate, 3)));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, 0.01, 1, 10_000})
  void aRateOfNoneOrWithinTheRangeIsTaken(double rate) {
    builder().requestsPerSecond(rate).endpointRequestsPerSecond(rate, 3)
        .issueWritesPerSecond(rate, 1);
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 1_000_001, Integer.MAX_VALUE})
  void aBurstOutsideOneToAMillionIsRefused(int burst) {
    assertEquals("endpointRequestsPerSecond burst must be from 1 to 1000000, was " + burst,
        refusal(b -> b.endpointRequestsPerSecond(0.01, burst)));
    assertEquals("issueWritesPerSecond burst must be from 1 to 1000000, was " + burst,
        refusal(b -> b.issueWritesPerSecond(0.01, burst)));
  }

  @Test
  void theLargestBurstAtTheSmallestRateStillPaces() {
    builder().endpointRequestsPerSecond(0.01, 1_000_000).issueWritesPerSecond(0.01, 1_000_000);
  }

  @Test
  void aMaxRetryAfterOutsideZeroToOneDayIsRefused() {
    assertEquals("maxRetryAfter must be from 0 to 1 day, was PT2562047788015215H30M7S",
        refusal(b -> b.maxRetryAfter(Duration.ofSeconds(Long.MAX_VALUE))));
    assertEquals("maxRetryAfter must be from 0 to 1 day, was PT24H0.001S",
        refusal(b -> b.maxRetryAfter(Duration.ofDays(1).plusMillis(1))));
    assertEquals("maxRetryAfter must be from 0 to 1 day, was PT-0.001S",
        refusal(b -> b.maxRetryAfter(Duration.ofMillis(-1))));
    assertEquals("maxRetryAfter must be from 0 to 1 day, was null",
        refusal(b -> b.maxRetryAfter(null)));

    builder().maxRetryAfter(Duration.ZERO).maxRetryAfter(Duration.ofDays(1));
  }

  /** Found by a new user's trial: these threw a bare NullPointerException, the others an IAE. */
  @Test
  void aNullIsRefusedNamingTheSettingAsEveryOtherBadValueIs() {
    assertEquals("credentials is required, was null", refusal(b -> b.credentials(null)));
    assertEquals("clock is required, was null", refusal(b -> b.clock(null)));
    assertEquals("flavour is required, was null", refusal(b -> b.flavour(null)));
    assertEquals("sleeper is required, was null", refusal(b -> b.sleeper(null)));
    assertEquals("httpClient is required, was null", refusal(b -> b.httpClient(null)));
    assertEquals("random is required, was null", refusal(b -> b.random(null)));
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MIN_VALUE, 0, 101, Integer.MAX_VALUE})
  void attemptsOutsideOneToAHundredAreRefused(int attempts) {
    assertEquals("maxAttempts must be from 1 to 100, was " + attempts,
        refusal(b -> b.maxAttempts(attempts)));

    builder().maxAttempts(1).maxAttempts(100);
  }

  @Test
  void aProjectKeyThatIsNotOneIsRefusedShownEscapedAndCut() {
    JiraSite site = builder().credentials(JiraCredentials.personalAccessToken("t")).build();

    assertEquals("projectKey must be at most 255 upper-case letters and digits, was"
        + " \"PA\\n2026 ERROR forged\"", assertThrows(IllegalArgumentException.class,
            () -> site.project("PA\n2026 ERROR forged")).getMessage());
    assertEquals("projectKey must be at most 255 upper-case letters and digits, was \""
        + "P".repeat(80) + "…\" (256 characters)", assertThrows(IllegalArgumentException.class,
            () -> site.project("P".repeat(256))).getMessage());
    assertEquals("projectKey must be at most 255 upper-case letters and digits, was null",
        assertThrows(IllegalArgumentException.class, () -> site.project(null)).getMessage());

    site.project("P".repeat(255));
    site.project("PA_2");
  }
}
