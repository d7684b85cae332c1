package org.backbonesync.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * A request header as the handlers read an authentication header: whole, so that one sent twice
 * is refused rather than its first value checked.
 */
final class RequestHeaders {
  private RequestHeaders() {}

  /**
   * Every value of a header joined with {@code ", "} (RFC 9110, 5.3), or null when it is absent;
   * a container that shows no headers gives its first.
   */
  static String joined(HttpServletRequest request, String name) {
    Enumeration<String> values = request.getHeaders(name);
    if (values == null) {
      return request.getHeader(name);
    }
    List<String> all = Collections.list(values);
    return all.isEmpty() ? null : String.join(", ", all);
  }
}
