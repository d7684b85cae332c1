package org.backbonesync.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.backbonesync.transport.HttpTransportHandler;

/**
 * Serves an {@link HttpTransportHandler}, the receiving end of the HTTP transport, from a servlet
 * container. Map it to the URL the partner's {@code HttpTransport} posts to, e.g. {@code
 * /backbone/transport}.
 *
 * <p>The body is streamed into the handler, which reads at most the envelope size limit and
 * checks the signature before parsing; its answer (a signed acknowledgement, or 4xx with the
 * reason of a refusal) is sent as it is. A GET is the partner fetching an attachment's content
 * ({@link HttpTransportHandler#content}): its answer is streamed, never held whole. Other methods
 * get 405 with {@code Allow: GET, POST}. Thread-safe, like the handler.
 */
public final class HttpTransportServlet extends HttpServlet {
  private final HttpTransportHandler handler;

  /** A servlet for the handler, which has its local connectors registered. */
  public HttpTransportServlet(HttpTransportHandler handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if ("GET".equals(request.getMethod())) {
      content(request, response);
      return;
    }
    // the container owns the stream and closes it
    HttpTransportHandler.Response answer =
        handler.handle(request.getMethod(), request.getInputStream());
    response.setStatus(answer.status());
    if (answer.status() == 405) {
      response.setHeader("Allow", "GET, POST");
    }
    response.setContentType(answer.contentType());
    response.setContentLength(answer.body().length);
    if (!"HEAD".equals(request.getMethod())) {
      response.getOutputStream().write(answer.body());
    }
  }

  private void content(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    HttpTransportHandler.ContentResponse answer = handler.content("GET",
        RequestHeaders.joined(request, "Authorization"), request.getHeader("Range"));
    try (InputStream body = answer.body()) {
      response.setStatus(answer.status());
      answer.headers().forEach(response::setHeader);
      response.setContentLengthLong(answer.length());
      body.transferTo(response.getOutputStream());
    }
  }
}
