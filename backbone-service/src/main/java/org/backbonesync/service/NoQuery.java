package org.backbonesync.service;

import org.backbonesync.core.AdminException;
import org.backbonesync.core.AdminRequest;
import org.backbonesync.core.AdminResponse;

/**
 * The query check of the routes that take no query parameters ({@code /health...}, {@code
 * /metrics}): a query is refused as the admin API refuses a parameter its route does not take
 * ({@link AdminRequest#requireNoQuery}), 400 in its error shape, each parameter a problem at
 * {@code ?name}. A probe or scraper sends none unless told to (a Kubernetes probe's path,
 * Prometheus' {@code params}); one that is told to learns it at once.
 */
final class NoQuery {
  private NoQuery() {}

  /**
   * The refusal of a request's query, or null when it has none.
   *
   * @param route what the message names, e.g. {@code GET /health}
   * @param rawQuery the query as received, without {@code ?}; null when the URI has none
   */
  static AdminResponse refusal(String route, String rawQuery) {
    try {
      AdminRequest.requireNoQuery(route, rawQuery);
      return null;
    } catch (AdminException refused) {
      return JsonErrors.of(refused);
    }
  }
}
