package org.backbonesync.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.AdminRequest;
import org.backbonesync.core.AdminResponse;
import org.backbonesync.core.ConfigurationProblem;
import org.backbonesync.core.SyncAdmin;
import org.backbonesync.core.SyncAdminHandler;
import org.backbonesync.spi.internal.Escapes;

/**
 * The query check of the routes that take no query parameters ({@code /health...}, {@code
 * /metrics}): a query is refused as the admin API refuses a parameter its route does not take,
 * 400 in its error shape, each parameter a problem at {@code ?name}. A probe or scraper sends
 * none unless told to (a Kubernetes probe's path, Prometheus' {@code params}); one that is told
 * to learns it at once instead of reading an answer that ignored what it asked.
 */
final class NoQuery {
  /**
   * A name shown as it is; any other is quoted and escaped ({@link Escapes#quoted}, as the admin
   * API names them).
   */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.%-]{1,80}");
  private static final int SHOWN = 80;
  /** Names listed in the message; the problems list them all (up to the admin API's limit). */
  private static final int LISTED = 10;
  /** Renders refusals only: it has no engine, and its authorizer lets no one do anything. */
  private static final SyncAdminHandler ERRORS = SyncAdminHandler.builder(SyncAdmin.builder()
      .authorizer((caller, operation, connector) -> false).build()).build();

  private NoQuery() {}

  /**
   * The refusal of a request's query, or null when it has none.
   *
   * @param route what the message names, e.g. {@code GET /health}
   * @param rawQuery the query as received, without {@code ?}; null when the URI has none
   */
  static AdminResponse refusal(String route, String rawQuery) {
    if (rawQuery == null) {
      return null;
    }
    Map<String, List<String>> query;
    try {
      query = AdminRequest.parseQuery(rawQuery);
    } catch (AdminException malformed) { // not percent-encoded UTF-8: named as the admin API does
      return ERRORS.refused(malformed);
    }
    List<ConfigurationProblem> problems = new ArrayList<>();
    List<String> names = new ArrayList<>();
    query.keySet().forEach(name -> {
      String shown = PLAIN.matcher(name).matches() ? name : Escapes.quoted(name, SHOWN);
      problems.add(new ConfigurationProblem("?" + shown, name.isEmpty()
          ? "a query parameter without a name (a '?' or '&' with nothing after it, or '=' first)"
          : "unknown query parameter"));
      if (names.size() < LISTED) {
        names.add(name.isEmpty() ? "a parameter without a name" : shown);
      }
    });
    return ERRORS.refused(new AdminException(400, route + " takes no query parameters; refused: "
        + String.join(", ", names) + (problems.size() > names.size()
            ? " and " + (problems.size() - names.size()) + " more" : ""), problems));
  }
}
