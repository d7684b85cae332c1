package org.backbonesync.core;

import static org.backbonesync.core.AdminText.parameter;
import static org.backbonesync.core.AdminText.shown;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.backbonesync.core.internal.PercentEscapes;

/**
 * The admin REST's routing: finds the route of a request's path and method (404, 405 with {@code
 * Allow}), and refuses query parameters the route does not take, or takes more than once, and a
 * body it does not read (400), and a body it reads sent as anything but JSON (415), before the
 * route's action sees the request.
 */
final class AdminRoutes {
  private final List<Route> routes;
  private final AdminResponses responses;

  AdminRoutes(List<Route> routes, AdminResponses responses) {
    this.routes = List.copyOf(routes);
    this.responses = responses;
  }

  /**
   * One resource and method.
   *
   * @param pattern path segments; {@code {name}} matches any one segment
   * @param parameters the query parameters it takes (each at most once)
   * @param takesBody whether it reads a body; those that do not refuse one
   */
  record Route(String method, String pattern, Set<String> parameters, boolean takesBody,
      Function<Call, AdminResponse> action) {

    boolean matches(List<String> segments) {
      String[] parts = pattern.split("/");
      if (parts.length != segments.size()) {
        return false;
      }
      for (int i = 0; i < parts.length; i++) {
        if (!parts[i].startsWith("{") && !parts[i].equals(segments.get(i))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return method + " /" + pattern;
    }
  }

  /** A request that matched a route: its path segments, query (checked) and body. */
  record Call(List<String> segments, String caller, Map<String, String> query,
      String body) {
    String arg(int i) {
      return segments.get(i);
    }
  }

  /**
   * Answers a request through its route's action, or refuses it.
   *
   * @param type the Content-Type it came with, judged for a route that reads a body
   */
  AdminResponse route(AdminRequest r, String body, AdminMediaType type) {
    List<String> segments = segments(r.path());
    // exactly as sent: a method is case-sensitive (RFC 9110 9.1), and a host that guards
    // "DELETE" must not see "delete" do what DELETE does
    String method = r.method() == null ? "" : r.method();
    List<Route> here = routes.stream().filter(route -> route.matches(segments)).toList();
    if (here.isEmpty()) {
      throw new AdminException(404, "no admin resource at " + shown(r.path()));
    }
    // HEAD is GET without the body, which the host's HTTP layer leaves out (RFC 9110 9.3.2)
    String asked = method.equals("HEAD") ? "GET" : method;
    Route route = here.stream().filter(x -> x.method().equals(asked)).findFirst()
        .orElse(null);
    if (route == null) {
      return notAllowed(method, here);
    }
    refuseParameters(route.toString(), route.parameters(), r.queryValues());
    if (route.takesBody()) {
      type.requireJson(route);
    }
    if (!route.takesBody() && body != null && !body.isEmpty()) {
      throw new AdminException(400, route + " takes no body"
          + (route.parameters().isEmpty() ? "" : "; its parameters go in the query"),
          List.of(new ConfigurationProblem("$", "must be empty, was " + shown(body))));
    }
    return route.action().apply(new Call(segments, r.caller(), r.query(), body));
  }

  private AdminResponse notAllowed(String method, List<Route> here) {
    Set<String> allowed = new LinkedHashSet<>();
    for (Route x : here) {
      allowed.add(x.method());
      if (x.method().equals("GET")) {
        allowed.add("HEAD");
      }
    }
    boolean cased = !method.toUpperCase(Locale.ROOT).equals(method);
    AdminResponse refused = responses.error(405, "method " + shown(method)
        + " is not allowed on /" + here.get(0).pattern() + "; allowed: "
        + String.join(", ", allowed) + (cased ? " (methods are case-sensitive)" : ""), List.of());
    Map<String, String> headers = new LinkedHashMap<>(refused.headers());
    headers.put("Allow", String.join(", ", allowed));
    return new AdminResponse(405, refused.body(), headers);
  }

  /**
   * Refuses a query naming a parameter the route does not take, one without a name, or one it
   * takes given more than once (400, each a problem at {@code ?name}).
   *
   * @param route what the message names, e.g. {@code GET /health}
   * @param parameters the query parameters the route takes
   */
  static void refuseParameters(String route, Set<String> parameters,
      Map<String, List<String>> query) {
    List<ConfigurationProblem> problems = new ArrayList<>();
    query.forEach((name, values) -> {
      if (name.isEmpty()) {
        problems.add(new ConfigurationProblem(parameter(name), "a query parameter without a"
            + " name (a '?' or '&' with nothing after it, or '=' first)"));
      } else if (!parameters.contains(name)) {
        problems.add(new ConfigurationProblem(parameter(name), "unknown query parameter"));
      } else if (values.size() > 1) {
        problems.add(new ConfigurationProblem(parameter(name),
            "given " + values.size() + " times; give it once"));
      }
    });
    if (!problems.isEmpty()) {
      List<String> names = problems.stream().limit(10).map(p -> p.path().substring(1))
          .map(n -> n.equals("\"\"") ? "a parameter without a name" : n).toList();
      throw new AdminException(400, route + " takes "
          + (parameters.isEmpty() ? "no query parameters"
              : "only the query parameters " + String.join(", ", sorted(parameters))
                  + ", each at most once")
          + "; refused: " + String.join(", ", names)
          + (problems.size() > names.size() ? " and " + (problems.size() - names.size())
              + " more" : ""), problems);
    }
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }

  /**
   * The decoded segments of a path. An empty one (a doubled or a trailing slash) is refused, not
   * dropped: {@code DELETE .../syncInformation/} with an id left out must not mean every row. So
   * is a path without its leading slash: a host that cuts its base path off {@code
   * /adminconnectors/PA/status} (a prefix match) must not answer it as {@code
   * /admin/connectors/PA/status}.
   */
  private static List<String> segments(String path) {
    String p = path == null ? "" : path;
    if (!p.isEmpty() && !p.startsWith("/")) {
      throw new AdminException(404, "no admin resource at " + shown(path)
          + ": it does not start with a slash");
    }
    p = p.isEmpty() ? p : p.substring(1);
    List<String> parts = new ArrayList<>();
    if (p.isEmpty()) {
      return parts;
    }
    for (String s : p.split("/", -1)) {
      if (s.isEmpty()) {
        throw new AdminException(404, "no admin resource at " + shown(path)
            + ": it has an empty path segment (a doubled or trailing slash)");
      }
      parts.add(decoded(parts.size(), s));
    }
    return parts;
  }

  /**
   * A path segment's percent escapes decoded as UTF-8, strictly: a malformed escape or bytes that
   * are not UTF-8 ({@code %FF}, an encoded surrogate) are refused, not read as U+FFFD. A path is
   * not a form: "+" stays "+".
   */
  private static String decoded(int index, String segment) {
    String text = PercentEscapes.decode(segment, StandardCharsets.UTF_8, false);
    if (text == null) {
      String problem = PercentEscapes.malformed(segment) ? "has a malformed escape"
          : "is not UTF-8 once its escapes are decoded";
      throw new AdminException(400, "the path segment " + shown(segment) + " " + problem,
          List.of(new ConfigurationProblem("path[" + index + "]", problem + ": "
              + shown(segment))));
    }
    return text;
  }
}
