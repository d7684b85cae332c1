package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.backbonesync.jira.JiraLimitScope;
import org.backbonesync.jira.JiraRateLimitedException;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.store.StoreUnavailableException;
import org.junit.jupiter.api.Test;

/**
 * {@code /health} tells a store's failure by its SQL state, as a Jira refusal by its status: a
 * password rotated under the service (28P01) no longer looks like the database gone (08001),
 * and still no text of the failure (the URL, the user) reaches anyone who asks.
 */
class StepFailureTest {
  @Test
  void aStoresFailureIsToldByItsSqlStateOnly() {
    SQLException driver = new SQLException(
        "FATAL: password authentication failed for user \"sync\"", "28P01");
    StoreUnavailableException e = new StoreUnavailableException("cannot open a database"
        + " connection: the database refused it (jdbc:postgresql://db/sync): FATAL: password"
        + " authentication failed for user \"sync\" (SQL state 28P01)",
        new SQLTransientConnectionException("backbone-store - Connection is not available",
            "28P01", driver));

    assertEquals("StoreUnavailableException (SQL state 28P01); see the service log",
        StepFailure.kind(e));
  }

  @Test
  void aFailureWithoutSqlStateIsToldByItsKind() {
    assertEquals("StoreUnavailableException; see the service log", StepFailure.kind(
        new StoreUnavailableException("JdbcStores[jdbc:postgresql://db/sync] is closed", null)));
    assertEquals("RetriableException; see the service log", StepFailure.kind(
        new RetriableException("x", new SQLException("a state no standard has", "42 & <b>"))));
  }

  /**
   * A 429 whose wait is too long to wait out showed only as {@code JiraRateLimitedException}: an
   * operator could not tell the hourly quota (an hour to wait) from a burst (seconds) without the
   * log. The reason is shown only as the adapter reads one (a short token), never other text.
   */
  @Test
  void aRateLimitIsToldByItsReasonAndWait() {
    assertEquals("JiraRateLimitedException (jira-quota-global-based, retry in 3600 s); see the"
        + " service log", StepFailure.kind(new JiraRateLimitedException("GET"
            + " /rest/api/3/search/jql on https://a.example: paused for PT1H", JiraLimitScope.SITE,
            "jira-quota-global-based", Duration.ofHours(1))));
    assertEquals("JiraRateLimitedException (other, retry in 2 s); see the service log",
        StepFailure.kind(new JiraRateLimitedException("x", JiraLimitScope.ISSUE,
            "PA-1 <script>", Duration.ofMillis(1_001))));
    assertEquals("JiraRateLimitedException (other); see the service log",
        StepFailure.kind(new JiraRateLimitedException("x", JiraLimitScope.SITE, null, null)));
    assertEquals("JiraRateLimitedException (unknown); see the service log",
        StepFailure.kind(new JiraRateLimitedException("x", JiraLimitScope.SITE, "unknown",
            null)));
  }
}
