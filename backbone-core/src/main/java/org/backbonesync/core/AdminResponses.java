package org.backbonesync.core;

import static org.backbonesync.core.AdminText.cut;
import static org.backbonesync.core.AdminText.shown;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.backbonesync.spi.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin REST's answers as {@link AdminResponse}s: a JSON 200, an error with its problems
 * (texts cut at {@link AdminAnswers#MAX_MESSAGE_LENGTH}, at most {@link
 * SyncAdminHandler#MAX_PROBLEMS_LISTED} problems listed), and the answer to an unexpected failure.
 */
final class AdminResponses {
  // The handler's name: hosts filter its incident lines by it.
  private static final Logger log = LoggerFactory.getLogger(SyncAdminHandler.class);
  private static final Map<String, String> JSON_TYPE =
      Map.of("Content-Type", "application/json; charset=utf-8");
  private static final int MAX_MESSAGE_LENGTH = AdminAnswers.MAX_MESSAGE_LENGTH;

  private final JsonMapper mapper;

  AdminResponses(JsonMapper mapper) {
    this.mapper = mapper;
  }

  AdminResponse ok(JsonNode body) {
    return new AdminResponse(200, write(body), JSON_TYPE);
  }

  AdminResponse error(int status, String message, List<ConfigurationProblem> problems) {
    // Messages may quote the request (a JQL, a key): bounded, so that no answer grows with it.
    ObjectNode body = mapper.createObjectNode().put("status", status)
        .put("error", cut(message, MAX_MESSAGE_LENGTH));
    ArrayNode list = body.putArray("problems");
    problems.stream().limit(SyncAdminHandler.MAX_PROBLEMS_LISTED).forEach(p -> list.addObject()
        .put("path", cut(p.path(), MAX_MESSAGE_LENGTH))
        .put("message", cut(p.message(), MAX_MESSAGE_LENGTH)));
    body.put("problemCount", problems.size());
    return new AdminResponse(status, write(body), JSON_TYPE);
  }

  /** The answer to a failure no one expected: 503 for a retriable one, else 500. */
  AdminResponse unexpected(AdminRequest request, Throwable e) {
    // The message of an unexpected failure may hold anything (SQL, URLs, values): the answer
    // names only its class and an incident id, and the log has the rest.
    String incident = UUID.randomUUID().toString();
    try {
      log.warn("admin request {} {} failed (incident {})", request == null ? null
          : shown(request.method()), request == null ? null : shown(request.path()), incident,
          e);
    } catch (Throwable ignored) { // NOPMD: a failing logger must not fail the answer
      // nothing more to do
    }
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    String what = e instanceof RetriableException
        ? "unavailable for now, try again later"
        : e instanceof StackOverflowError
            ? "the request was too deeply nested or too long to process" : "internal error";
    return error(e instanceof RetriableException ? 503 : 500, what + " ("
        + e.getClass().getSimpleName() + ", incident " + incident + ")", List.of());
  }

  private String write(JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
