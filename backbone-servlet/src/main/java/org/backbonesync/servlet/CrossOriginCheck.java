package org.backbonesync.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.backbonesync.core.AdminException;

/**
 * Refuses (403) a request a browser sent from another site to change something. A page on any
 * site can make its visitor's browser POST to the admin API without a CORS preflight when the
 * request has no body (rebuild, retry, skip), and the browser adds the container's session
 * cookie: a host whose callers are known by a cookie would run it as the operator. Deletes and
 * JSON bodies already need a preflight, which no CORS policy of ours answers; they are checked
 * all the same.
 *
 * <p>As Go's {@code net/http.CrossOriginProtection} decides, from headers browsers set and pages
 * cannot: a request with {@code Sec-Fetch-Site} passes when it is {@code same-origin} or {@code
 * none} (typed by the person); without it (an older browser), one whose {@code Origin} names
 * another host than its {@code Host} is refused; one with neither is not from a browser, or from
 * one that sends no cross-origin request without them, and passes. {@code GET}, {@code HEAD} and
 * {@code OPTIONS} change nothing and pass, as does a request from a trusted origin (an admin page
 * a host serves from another origin, or a proxy that rewrites {@code Host}).
 */
final class CrossOriginCheck {
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
  private final Set<String> trusted;

  /** A check that trusts these origins ({@code scheme://host[:port]}), refusing any other form. */
  CrossOriginCheck(Set<String> trustedOrigins) {
    Set<String> origins = new TreeSet<>();
    for (String origin : trustedOrigins) {
      origins.add(normalized(origin));
    }
    this.trusted = Set.copyOf(origins);
  }

  private static String normalized(String origin) {
    if (origin == null) {
      throw new IllegalArgumentException("trustedOrigins: an origin is null");
    }
    URI uri;
    try {
      uri = new URI(origin);
    } catch (java.net.URISyntaxException e) {
      throw notAnOrigin(origin);
    }
    boolean web = "http".equalsIgnoreCase(uri.getScheme())
        || "https".equalsIgnoreCase(uri.getScheme());
    if (!web || uri.getRawAuthority() == null || uri.getHost() == null
        || uri.getRawUserInfo() != null || !uri.getRawPath().isEmpty()
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw notAnOrigin(origin);
    }
    return origin.toLowerCase(Locale.ROOT);
  }

  private static IllegalArgumentException notAnOrigin(String origin) {
    return new IllegalArgumentException("trustedOrigins: " + SyncAdminServlet.shown(origin)
        + " is not an origin: it must be scheme://host or scheme://host:port (http or https),"
        + " without a path, as a browser sends it in Origin");
  }

  /** Throws a 403 {@link AdminException} for a cross-origin request that changes something. */
  void check(HttpServletRequest request) {
    if (SAFE.contains(request.getMethod())) {
      return;
    }
    List<String> origins = headers(request, "Origin");
    if (origins.size() == 1 && trusted.contains(origins.get(0).toLowerCase(Locale.ROOT))) {
      return;
    }
    List<String> sites = headers(request, "Sec-Fetch-Site");
    if (!sites.isEmpty()) {
      if (sites.size() == 1 && (sites.get(0).equals("same-origin") || sites.get(0).equals("none"))) {
        return;
      }
      throw refused(request, "Sec-Fetch-Site " + SyncAdminServlet.shown(String.join(", ", sites))
          + " (a browser sent it from another site)");
    }
    if (origins.isEmpty()) {
      return;
    }
    String host = request.getHeader("Host");
    if (origins.size() == 1 && host != null && host.equalsIgnoreCase(authority(origins.get(0)))) {
      return;
    }
    throw refused(request, "Origin " + SyncAdminServlet.shown(String.join(", ", origins))
        + " is not this server's (Host " + SyncAdminServlet.shown(host == null ? "" : host) + ")");
  }

  private static AdminException refused(HttpServletRequest request, String why) {
    return new AdminException(403, "a cross-origin " + request.getMethod() + " is refused: "
        + why + "; an admin page served from another origin is named in the servlet's"
        + " trustedOrigins");
  }

  /** The host and port an origin names, or null for one that is not a URI ("null", opaque). */
  private static String authority(String origin) {
    try {
      return new URI(origin).getRawAuthority();
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  private static List<String> headers(HttpServletRequest request, String name) {
    Enumeration<String> values = request.getHeaders(name);
    if (values == null) { // a container that shows no headers
      String one = request.getHeader(name);
      return one == null ? List.of() : List.of(one);
    }
    return Collections.list(values);
  }
}
