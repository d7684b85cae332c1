package org.backbonesync.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Objects;
import java.util.function.Function;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.AdminRequest;
import org.backbonesync.core.AdminResponse;
import org.backbonesync.core.SyncAdminHandler;

/**
 * Serves a {@link SyncAdminHandler} from a servlet container. Map it with a path mapping, e.g.
 * {@code /rest/backbone/1.0/*}; the path below the mapping is the handler's path ({@code
 * /connectors/PA/syncInformation}).
 *
 * <p>The request body is streamed into the handler, which reads at most its {@code maxBodyBytes}
 * (413 beyond); the raw query string is passed with every value of each parameter ({@link
 * AdminRequest#parseQuery}), so a repeated or misspelt parameter is refused (400) naming it. Every
 * method goes to the handler, which answers 405 for one a path lacks. The caller is the request's
 * {@link HttpServletRequest#getUserPrincipal() user principal} as the container authenticated it,
 * or what a host-given function returns; the handler's authorizer decides with it.
 *
 * <p>Thread-safe, like the handler. The servlet holds no state of its own.
 */
public final class SyncAdminServlet extends HttpServlet {
  private final SyncAdminHandler handler;
  private final Function<HttpServletRequest, String> caller;

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
    this.handler = Objects.requireNonNull(handler, "handler");
    this.caller = Objects.requireNonNull(caller, "caller");
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
      answer = handler.handle(new AdminRequest(method, path(request), null, null,
          caller.apply(request), AdminRequest.parseQuery(request.getQueryString())),
          request.getInputStream());
    } catch (AdminException refused) { // a query that is not percent-encoded UTF-8
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
   * The path below the mapping, each segment encoded again: the container decoded it, and the
   * handler decodes each segment itself.
   */
  static String path(HttpServletRequest request) {
    String decoded = request.getHttpServletMapping() != null
        && request.getHttpServletMapping().getMappingMatch() == MappingMatch.DEFAULT
        ? request.getServletPath() : request.getPathInfo();
    if (decoded == null) {
      return "/";
    }
    StringBuilder raw = new StringBuilder();
    for (String segment : decoded.split("/", -1)) {
      if (!segment.isEmpty()) {
        // (a form's "+" for a space is a path's "%20": the handler keeps a "+" as it is)
        raw.append('/').append(
            URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
      }
    }
    return raw.length() == 0 ? "/" : raw.toString();
  }
}
