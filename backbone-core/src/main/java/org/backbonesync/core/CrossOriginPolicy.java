package org.backbonesync.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.backbonesync.core.internal.Shown;

/**
 * Refuses (403) an admin request that a browser sent from another site to change something, for
 * a host whose callers are known by a cookie or other credentials the browser adds itself. A page
 * on any site can make its visitor's browser POST a bodyless rebuild, retry or skip without a CORS
 * preflight, with the host's session cookie: without this check the host runs it as the
 * operator. {@code SyncAdminServlet} applies it; a host binding {@link SyncAdminHandler} to
 * another HTTP layer calls {@link #check} before the handler and answers a refusal with {@link
 * SyncAdminHandler#refused}. A host whose callers send a token in a header (as the service's
 * {@code Authorization: Bearer}) needs no such check.
 *
 * <p>It decides as Go's {@code net/http.CrossOriginProtection} does, from headers that browsers
 * set and pages cannot: {@code GET}, {@code HEAD} and {@code OPTIONS} change nothing and pass; a
 * request from a trusted origin passes; one with {@code Sec-Fetch-Site} passes when that is
 * {@code same-origin} or {@code none} (the person typed the address); without it (an older
 * browser, or plain HTTP to a host that is not local), one whose {@code Origin} names another
 * host and port than its {@code Host} is refused; one with neither header is not from a browser
 * (a script, another server) and passes. Immutable and thread-safe.
 */
public final class CrossOriginPolicy {
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
  private final Set<String> trusted;

  private CrossOriginPolicy(Set<String> trusted) {
    this.trusted = trusted;
  }

  /** A policy that takes changes from browsers only on the request's own origin. */
  public static CrossOriginPolicy sameOriginOnly() {
    return new CrossOriginPolicy(Set.of());
  }

  /**
   * A policy that also takes changes from browsers on these origins, each {@code scheme://host}
   * or {@code scheme://host:port} as a browser sends it in {@code Origin}: an admin page the host
   * serves from another origin, or a proxy in front that rewrites {@code Host}.
   *
   * @throws IllegalArgumentException naming an entry that is not such an origin
   */
  public static CrossOriginPolicy trusting(Set<String> trustedOrigins) {
    Set<String> origins = new TreeSet<>();
    for (String origin : Objects.requireNonNull(trustedOrigins, "trustedOrigins")) {
      origins.add(checked(origin));
    }
    return new CrossOriginPolicy(Set.copyOf(origins));
  }

  private static String checked(String origin) {
    if (origin == null) {
      throw new IllegalArgumentException("trustedOrigins: an origin is null");
    }
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      throw notAnOrigin(origin);
    }
    boolean web = "http".equalsIgnoreCase(uri.getScheme())
        || "https".equalsIgnoreCase(uri.getScheme());
    if (!web || uri.getHost() == null || uri.getRawUserInfo() != null
        || !uri.getRawPath().isEmpty() || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw notAnOrigin(origin);
    }
    return canonical(origin);
  }

  /**
   * An authority without the scheme's default port, in lower case: a browser's {@code Origin}
   * leaves it out, where a host's list or a proxy's {@code Host} may write it.
   */
  private static String withoutDefaultPort(String scheme, String authority) {
    String a = authority.toLowerCase(Locale.ROOT);
    String port = "https".equalsIgnoreCase(scheme) ? ":443"
        : "http".equalsIgnoreCase(scheme) ? ":80" : null;
    return port != null && a.endsWith(port) ? a.substring(0, a.length() - port.length()) : a;
  }

  private static IllegalArgumentException notAnOrigin(String origin) {
    return new IllegalArgumentException("trustedOrigins: " + Shown.quoted(origin)
        + " is not an origin: it must be scheme://host or scheme://host:port (http or https),"
        + " without a path, as a browser sends it in Origin");
  }

  /**
   * Throws when a browser sent this request from another site to change something.
   *
   * @param method the request's method
   * @param secFetchSite every {@code Sec-Fetch-Site} header of the request (none: empty or null,
   *     as {@code com.sun.net.httpserver.Headers.get} gives it)
   * @param origin every {@code Origin} header of the request (none: empty or null)
   * @param host the request's {@code Host} header, or for HTTP/2 its {@code :authority} (a
   *     container may show no {@code Host} then: {@code SyncAdminServlet} takes the request URL's),
   *     or null
   * @throws AdminException 403, naming the header and its value
   */
  public void check(String method, List<String> secFetchSite, List<String> origin, String host) {
    if (SAFE.contains(Objects.requireNonNull(method, "method"))) {
      return;
    }
    secFetchSite = secFetchSite == null ? List.of() : secFetchSite;
    origin = origin == null ? List.of() : origin;
    if (origin.size() == 1 && trusted.contains(canonical(origin.get(0)))) {
      return;
    }
    if (!secFetchSite.isEmpty()) {
      if (secFetchSite.size() == 1 && (secFetchSite.get(0).equals("same-origin")
          || secFetchSite.get(0).equals("none"))) {
        return;
      }
      throw refused(method, "Sec-Fetch-Site " + Shown.quoted(String.join(", ", secFetchSite))
          + " (a browser sent it from another site)");
    }
    if (origin.isEmpty()) {
      return;
    }
    if (origin.size() == 1 && host != null && sameHost(origin.get(0), host)) {
      return;
    }
    throw refused(method, "Origin " + Shown.quoted(String.join(", ", origin))
        + " is not this server's (Host " + Shown.quoted(host == null ? "" : host) + ")");
  }

  private static AdminException refused(String method, String why) {
    return new AdminException(403, "a cross-origin " + Shown.text(method, 20) + " is refused: "
        + why + "; an admin page served from another origin is named as a trusted origin");
  }

  /** An origin as {@link #trusting} keeps one, or "" for one that is not a URI. */
  private static String canonical(String origin) {
    try {
      URI uri = new URI(origin);
      return uri.getScheme() == null || uri.getRawAuthority() == null ? ""
          : uri.getScheme().toLowerCase(Locale.ROOT) + "://"
              + withoutDefaultPort(uri.getScheme(), uri.getRawAuthority());
    } catch (URISyntaxException e) {
      return "";
    }
  }

  /**
   * Whether an origin names the host and port of {@code Host}, either without the origin
   * scheme's default port. The scheme is not compared ({@code Host} has none; a proxy that ends
   * TLS leaves the server plain HTTP), as Go does not: a browser that sends {@code Origin} but
   * not {@code Sec-Fetch-Site} is let through from an http page of the same host and port.
   */
  private static boolean sameHost(String origin, String host) {
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      return false;
    }
    return uri.getRawAuthority() != null
        && withoutDefaultPort(uri.getScheme(), uri.getRawAuthority())
            .equals(withoutDefaultPort(uri.getScheme(), host));
  }
}
