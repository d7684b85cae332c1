package org.backbonesync.core;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  public AdminRequest {
    if (queryValues == null || queryValues.isEmpty()) {
      Map<String, List<String>> single = new LinkedHashMap<>();
      (query == null ? Map.<String, String>of() : query).forEach((k, v) -> single.put(k,
          List.of(v)));
      queryValues = single;
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    Map<String, String> first = new LinkedHashMap<>();
    queryValues.forEach((name, list) -> {
      if (list == null || list.isEmpty()) {
        throw new IllegalArgumentException("query parameter " + name + " has no value");
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
   * The parameters of a raw query string ({@code a=1&b=x%20y}), decoded as a form would be,
   * every value in order. A malformed escape is kept as written, so that the handler refuses the
   * parameter by name instead of the host failing; an empty name or a name without {@code =}
   * is kept too (with the value {@code ""}), and so is an empty pair ({@code a=1&&b=2}, a lone
   * {@code &}, or a {@code ?} with nothing after it: the empty name), so that the handler
   * refuses a query it cannot read instead of taking it as no query.
   *
   * @param rawQuery the query as received (without {@code ?}), or null when there was none
   */
  public static Map<String, List<String>> parseQuery(String rawQuery) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (rawQuery == null) {
      return out;
    }
    for (String pair : rawQuery.split("&", -1)) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return raw;
    }
  }
}
