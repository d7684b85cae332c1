package org.backbonesync.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.backbonesync.jira.JiraWebhookHandler;

/**
 * Serves a {@link JiraWebhookHandler} from a servlet container: map it to the URL registered as
 * the webhook in Jira, e.g. {@code /backbone/webhooks/support}. The raw body is streamed into the
 * handler, which reads at most its limit and checks the signature before parsing; its answer
 * (202 taken, 200 a repeat, 4xx with the reason of a refusal) is sent as plain text. Methods
 * other than POST get 405 with {@code Allow: POST}. Thread-safe, like the handler.
 */
public final class JiraWebhookServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient JiraWebhookHandler handler;

  /** A servlet for the handler, which has the site's projects registered. */
  public JiraWebhookServlet(JiraWebhookHandler handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    // the container owns the stream and closes it; getHeaders is case-insensitive, and a header
    // sent twice reaches the handler whole (two signatures are refused, not the first checked)
    JiraWebhookHandler.Response answer = handler.handle(request.getMethod(),
        name -> RequestHeaders.joined(request, name), request.getInputStream());
    response.setStatus(answer.status());
    if (answer.status() == 405) {
      response.setHeader("Allow", "POST");
    }
    byte[] body = (answer.body() + "\n").getBytes(StandardCharsets.UTF_8);
    response.setContentType("text/plain;charset=utf-8");
    response.setContentLength(body.length);
    if (!"HEAD".equals(request.getMethod())) {
      response.getOutputStream().write(body);
    }
  }
}
