package org.backbonesync.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.AdminRequest;
import org.backbonesync.core.AdminResponse;
import org.backbonesync.core.CrossOriginPolicy;
import org.backbonesync.core.SyncAdminHandler;
import org.backbonesync.spi.internal.Escapes;

/**
 * Serves a {@link SyncAdminHandler} from a servlet container. Map it with a path mapping, e.g.
 * {@code /rest/backbone/1.0/*}; the path below the mapping is the handler's path ({@code
 * /connectors/PA/syncInformation}).
 *
 * <p>The request body is streamed into the handler, which reads at most its {@code maxBodyBytes}
 * (413 beyond) and takes a body only as {@code application/json} (415 otherwise, so that a
 * browser's cross-origin text or form post cannot reach a route with the container's cookies);
 * the raw query string is passed with every value of each parameter ({@link
 * AdminRequest#parseQuery}), so a repeated or misspelt parameter is refused (400) naming it. Every
 * method goes to the handler, which answers 405 for one a path lacks. The caller is the request's
 * {@link HttpServletRequest#getUserPrincipal() user principal} as the container authenticated it,
 * or what a host-given function returns; the handler's authorizer decides with it.
 *
 * <p>A request that changes something (any method but {@code GET}, {@code HEAD} and {@code
 * OPTIONS}) that a browser sent from another site is refused (403) before the handler sees it,
 * as {@link CrossOriginPolicy} decides: a page on any site could otherwise make an operator's
 * browser post a bodyless rebuild, retry or skip with the container's session cookie. Requests
 * without {@code Sec-Fetch-Site} and {@code Origin} (scripts, other servers) pass.
 *
 * <p>Thread-safe, like the handler. The servlet holds no state of its own.
 */
public final class SyncAdminServlet extends HttpServlet {
  /** The most characters of a refused path shown, as core shows a value from a request. */
  private static final int MAX_SHOWN = 80;

  private final SyncAdminHandler handler;
  private final Function<HttpServletRequest, String> caller;
  private final CrossOriginPolicy crossOrigin;

  /**
   * A servlet whose caller is the name of the request's user principal (null when the container
   * authenticated no one).
   */
  public SyncAdminServlet(SyncAdminHandler handler) {
    this(handler, SyncAdminServlet::principalName);
  }

  /**
   * A servlet whose caller is what a host's function returns for each request, e.g. a header set
   * by an authenticating proxy; null means anonymous.
   */
  public SyncAdminServlet(SyncAdminHandler handler, Function<HttpServletRequest, String> caller) {
    this(handler, caller, CrossOriginPolicy.sameOriginOnly());
  }

  /**
   * A servlet whose caller is what a host's function returns, taking changes from browsers as
   * the policy says, e.g. {@code CrossOriginPolicy.trusting(Set.of("https://admin.example"))}
   * for an admin page the host serves from another origin.
   */
  public SyncAdminServlet(SyncAdminHandler handler, Function<HttpServletRequest, String> caller,
      CrossOriginPolicy crossOrigin) {
    this.handler = Objects.requireNonNull(handler, "handler");
    this.caller = Objects.requireNonNull(caller, "caller");
    this.crossOrigin = Objects.requireNonNull(crossOrigin, "crossOrigin");
  }

  private static String principalName(HttpServletRequest request) {
    Principal principal = request.getUserPrincipal();
    return principal == null ? null : principal.getName();
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String method = request.getMethod();
    // the container owns the stream and closes it; a body over the limit is left unread
    AdminResponse answer;
    try {
      refuseUnclean(request.getRequestURI());
      crossOrigin.check(request.getMethod(), headers(request, "Sec-Fetch-Site"),
          headers(request, "Origin"), host(request));
      answer = handler.handle(new AdminRequest(method, path(request), null, null,
          caller.apply(request), AdminRequest.parseQuery(request.getQueryString())),
          contentType(request), request.getInputStream());
    } catch (AdminException refused) { // an unclean path, another site's change, a bad query
      answer = handler.refused(refused);
    }
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    response.setStatus(answer.status());
    answer.headers().forEach(response::setHeader);
    response.setContentLength(bytes.length);
    if (!"HEAD".equals(method)) {
      response.getOutputStream().write(bytes);
    }
  }

  /**
   * Refuses a request path as sent with a path parameter ({@code ;x=1}), a dot segment or an empty
   * one (a doubled or trailing slash). A container strips the first two and may merge the last
   * before the servlet sees the path, so {@code DELETE .../syncInformation/} with an id left out,
   * or {@code .../syncInformation;x=1}, would reach the handler as the path that deletes every
   * row; the handler refuses such paths itself, and so must what passes it them.
   */
  static void refuseUnclean(String requestUri) {
    String uri = requestUri == null ? "" : requestUri;
    String[] segments = uri.split("/", -1);
    for (int i = 1; i < segments.length; i++) {
      String s = segments[i];
      if (s.isEmpty() || s.indexOf(';') >= 0 || s.equals(".") || s.equals("..")
          || s.equalsIgnoreCase("%2e") || s.equalsIgnoreCase("%2e%2e")
          || s.equalsIgnoreCase(".%2e") || s.equalsIgnoreCase("%2e.")) {
        throw new AdminException(404, "no admin resource at " + shown(uri) + ": it has "
            + (s.isEmpty() ? "an empty path segment (a doubled or trailing slash)"
                : s.indexOf(';') >= 0 ? "a path parameter (\";\")" : "a dot segment"));
      }
    }
  }

  /**
   * A request path for a refusal, as core's {@code Shown} shows text from outside: quoted, with
   * quotes, backslashes, line breaks, control and format characters (a bidi override such as
   * U+202E) and lone surrogates escaped as in JSON, and cut after {@value #MAX_SHOWN} characters
   * with its length, since a client chooses what it is and how long. {@code Shown} is in core's
   * internal package, which is no one's API; the escaping is the SPI's, exported to this module.
   */
  static String shown(String uri) {
    return Escapes.quoted(uri, MAX_SHOWN);
  }

  /**
   * The host and port the request was sent to, as the container sees them: the authority of its
   * URL, which over HTTP/2 comes from {@code :authority} (Jetty shows no {@code Host} header then:
   * helper-107) and behind a proxy from {@code Forwarded} when the container is set to read it;
   * the {@code Host} header when that URL is not one.
   */
  private static String host(HttpServletRequest request) {
    try {
      String authority = URI.create(request.getRequestURL().toString()).getRawAuthority();
      if (authority != null) {
        return authority;
      }
    } catch (IllegalArgumentException notAUri) {
      // a Host header the container took as it came
    }
    return request.getHeader("Host");
  }

  /** Every value of a header, in order; a container that shows no headers gives its first. */
  private static List<String> headers(HttpServletRequest request, String name) {
    Enumeration<String> values = request.getHeaders(name);
    if (values == null) {
      String one = request.getHeader(name);
      return one == null ? List.of() : List.of(one);
    }
    return Collections.list(values);
  }

  /**
   * Every {@code Content-Type} header the request came with, joined with a comma (two are
   * refused as not JSON), or null for none: the handler refuses (415) a body it reads under any
   * type but JSON, which a browser cannot send to another origin without asking it first.
   */
  private static String contentType(HttpServletRequest request) {
    List<String> values = headers(request, "Content-Type");
    return values.isEmpty() ? null : String.join(", ", values);
  }

  /**
   * The path below the mapping, each segment encoded again: the container decoded it, and the
   * handler decodes each segment itself (an empty one, which {@link #refuseUnclean} refused in
   * the path as sent, is kept for the handler to refuse too).
   */
  static String path(HttpServletRequest request) {
    String decoded = request.getHttpServletMapping() != null
        && request.getHttpServletMapping().getMappingMatch() == MappingMatch.DEFAULT
        ? request.getServletPath() : request.getPathInfo();
    if (decoded == null) {
      return "/";
    }
    if (decoded.isEmpty() || decoded.equals("/")) {
      return "/";
    }
    StringBuilder raw = new StringBuilder();
    String[] segments = decoded.split("/", -1);
    for (int i = decoded.startsWith("/") ? 1 : 0; i < segments.length; i++) {
      // (a form's "+" for a space is a path's "%20": the handler keeps a "+" as it is)
      raw.append('/').append(
          URLEncoder.encode(segments[i], StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return raw.toString();
  }
}
