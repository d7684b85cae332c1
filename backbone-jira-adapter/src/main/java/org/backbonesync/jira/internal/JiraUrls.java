package org.backbonesync.jira.internal;

import java.net.URI;
import java.util.Locale;

/**
 * Origins (scheme, host and port) and URLs as they may be shown. Credentials go only to the
 * site's origin; a URL in a message or a log never shows a user name, a password, a query (a
 * JQL with user data, a media store's signed token) or a fragment.
 */
public final class JiraUrls {
  private JiraUrls() {}

  /** Whether two URLs have the same scheme, host and port (a default port written or not). */
  public static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null && b.getScheme() != null && a.getHost() != null
        && b.getHost() != null
        && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  /** Whether going from one URL to the other leaves https for anything else. */
  public static boolean downgrade(URI from, URI to) {
    return "https".equalsIgnoreCase(from.getScheme()) && !"https".equalsIgnoreCase(to.getScheme());
  }

  /** Whether the URL is http or https with a host. */
  public static boolean web(URI uri) {
    return uri.isAbsolute() && !uri.isOpaque() && uri.getHost() != null
        && uri.getScheme().toLowerCase(Locale.ROOT).matches("https?");
  }

  /**
   * Whether the host is a loopback address written out ({@code 127.x.x.x}, {@code ::1}) or
   * {@code localhost}: traffic to it does not leave the machine. No name is looked up.
   */
  public static boolean loopback(URI uri) {
    String host = uri.getHost();
    if (host == null) {
      return false;
    }
    host = host.toLowerCase(Locale.ROOT);
    return host.equals("localhost") || host.equals("[::1]") || host.equals("[0:0:0:0:0:0:0:1]")
        || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  /**
   * The URL's origin as it may be printed: {@code scheme://host[:port]}, without a user part,
   * path, query or fragment; the site's name in a message about a request that got no answer.
   */
  public static String origin(URI uri) {
    if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
      return "(no origin)";
    }
    return uri.getScheme() + "://" + uri.getHost()
        + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
  }

  /**
   * The URL as it may be printed: {@code scheme://host[:port]/path}, a user part replaced by
   * {@code ***@}, a query or fragment by {@code ?…} or {@code #…}.
   */
  public static String shown(URI uri) {
    if (uri == null) {
      return "(none)";
    }
    if (uri.isOpaque() || uri.getScheme() == null || uri.getRawAuthority() == null) {
      return uri.getScheme() == null ? "(not an absolute URL)" : uri.getScheme() + ":…";
    }
    StringBuilder s = new StringBuilder(uri.getScheme()).append("://");
    if (uri.getRawUserInfo() != null) {
      s.append("***@");
    }
    if (uri.getHost() != null) {
      s.append(uri.getHost());
      if (uri.getPort() >= 0) {
        s.append(':').append(uri.getPort());
      }
    } else {
      // a registry-based authority: show it only up to a user part
      String authority = uri.getRawAuthority();
      s.append(authority.substring(authority.lastIndexOf('@') + 1));
    }
    s.append(uri.getRawPath() == null ? "" : uri.getRawPath());
    if (uri.getRawQuery() != null) {
      s.append("?…");
    }
    if (uri.getRawFragment() != null) {
      s.append("#…");
    }
    return s.toString();
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return switch (uri.getScheme().toLowerCase(Locale.ROOT)) {
      case "https" -> 443;
      case "http" -> 80;
      default -> -1;
    };
  }
}
