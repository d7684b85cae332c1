package org.backbonesync.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.core.internal.PercentEscapes;

/**
 * An HTTP request to the admin API, however the host received it.
 *
 * <p>A host that can see every value of a query parameter passes them in {@code queryValues}
 * (for example from {@link #parseQuery} of the raw query string), so that a parameter given twice
 * ({@code ?syncInfoId=1&syncInfoId=2}) is refused instead of one value being picked; the
 * five-argument constructor, for hosts that only have the first values, leaves that undetected.
 *
 * @param method the HTTP method, e.g. {@code GET}
 * @param path the path below the host's base path, e.g. {@code /connectors/PA-2/syncInformation}
 *     (URL-encoded segments are decoded)
 * @param query the query parameters (first value of each); derived from {@code queryValues} when
 *     null or empty
 * @param body the request body, or null; a host that can stream it uses {@link
 *     SyncAdminHandler#handle(AdminRequest, java.io.InputStream)} instead
 * @param caller who is asking, as the host authenticated them (null for anonymous)
 * @param queryValues every value of each query parameter, in the order given; derived from {@code
 *     query} (one value each) when null or empty
 */
public record AdminRequest(
    String method, String path, Map<String, String> query, String body, String caller,
    Map<String, List<String>> queryValues) {

  /**
   * Checks the request's parts.
   *
   * @throws IllegalArgumentException for a null method or path (a host's mistake, not a
   *     request to answer: a null method read as {@code ""} was answered 405), or a query
   *     parameter without a name or value
   */
  public AdminRequest {
    if (method == null || path == null) {
      throw new IllegalArgumentException("an admin request needs a method and a path, was "
          + method + " " + path);
    }
    if (queryValues == null || queryValues.isEmpty()) {
      Map<String, List<String>> single = new LinkedHashMap<>();
      (query == null ? Map.<String, String>of() : query).forEach((k, v) -> single.put(k,
          Collections.singletonList(v))); // (a null value is refused below, naming it)
      queryValues = single;
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    Map<String, String> first = new LinkedHashMap<>();
    queryValues.forEach((name, list) -> {
      if (name == null) {
        throw new IllegalArgumentException("a query parameter has a null name");
      }
      if (list == null || list.isEmpty()) {
        throw new IllegalArgumentException("query parameter " + name + " has no value");
      }
      if (list.contains(null)) {
        throw new IllegalArgumentException("query parameter " + name + " has a null value;"
            + " a parameter given without one has the value \"\"");
      }
      values.put(name, List.copyOf(list));
      first.put(name, list.get(0));
    });
    if (query != null && !query.isEmpty() && !query.equals(first)) {
      throw new IllegalArgumentException("query " + query.keySet()
          + " does not hold the first values of queryValues " + queryValues.keySet());
    }
    query = Map.copyOf(first);
    queryValues = Collections.unmodifiableMap(values);
  }

  /** A request whose query holds only the first value of each parameter. */
  public AdminRequest(
      String method, String path, Map<String, String> query, String body, String caller) {
    this(method, path, query, body, caller, null);
  }

  /**
   * Refuses any query for a host's own route that takes none (a health or metrics route beside
   * the admin API), as the admin API refuses a parameter its route does not take: a host answers
   * the exception with {@link SyncAdminHandler#refused}, so a probe or scraper told to send a
   * query learns it at once instead of reading an answer that ignored what it asked.
   *
   * @param route what the refusal names, e.g. {@code GET /health}
   * @param rawQuery the query as received (without {@code ?}), or null when there was none
   * @throws AdminException (400) naming each parameter, or as {@link #parseQuery} for a query it
   *     cannot decode
   */
  public static void requireNoQuery(String route, String rawQuery) {
    if (rawQuery != null) {
      AdminRoutes.refuseParameters(route, Set.of(), parseQuery(rawQuery));
    }
  }

  /**
   * The parameters of a raw query string ({@code a=1&b=x%20y}), decoded as a form would be
   * ({@code +} is a space), every value in order. Strict: a malformed escape ({@code %G1}, a
   * trailing {@code %}) or escapes that are not UTF-8 ({@code %FF}, {@code %E2%82}) in a name or
   * a value refuse the query (400, each such parameter a problem at {@code ?name} naming the value
   * as written), never read as U+FFFD; a host answers that with {@link
   * SyncAdminHandler#refused}. An empty name or a name without {@code =} is kept (with the value
   * {@code ""}), and so is an empty pair ({@code a=1&&b=2}, a lone {@code &}, or a {@code ?} with
   * nothing after it: the empty name), so that the handler refuses a query it cannot read instead
   * of taking it as no query.
   *
   * @param rawQuery the query as received (without {@code ?}), or null when there was none
   * @throws AdminException (400) naming each parameter that cannot be decoded, and its raw text
   */
  public static Map<String, List<String>> parseQuery(String rawQuery) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (rawQuery == null) {
      return out;
    }
    List<ConfigurationProblem> problems = new ArrayList<>();
    for (String pair : rawQuery.split("&", -1)) {
      int eq = pair.indexOf('=');
      String rawName = eq < 0 ? pair : pair.substring(0, eq);
      String rawValue = eq < 0 ? "" : pair.substring(eq + 1);
      String name = decode(rawName);
      String value = decode(rawValue);
      if (name == null || value == null) {
        String raw = name == null ? rawName : rawValue;
        problems.add(new ConfigurationProblem(AdminText.parameter(name == null ? rawName : name),
            (name == null ? "its name " : "its value ") + AdminText.shown(raw)
                + (PercentEscapes.malformed(raw) ? " has a malformed escape"
                    : " is not UTF-8 once its escapes are decoded")));
        continue;
      }
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    if (!problems.isEmpty()) {
      ConfigurationProblem first = problems.get(0);
      throw new AdminException(400, "query parameter " + first.path() + ": " + first.message()
          + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""),
          problems);
    }
    return out;
  }

  /** A query part decoded strictly, or null when it cannot be. */
  private static String decode(String raw) {
    return PercentEscapes.decode(raw, StandardCharsets.UTF_8, true);
  }
}
