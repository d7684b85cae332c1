package org.backbonesync.jira;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.backbonesync.jira.internal.Fixtures;

/**
 * Checks that answers made for tests (the fake Jira server's, the project's own) are in Jira's
 * shapes: against the response schemas of Jira Cloud's OpenAPI document, and against real
 * answers (for Server, and for issue field values, which the OpenAPI document leaves free-form).
 * Both come from the real captures ({@link Fixtures}), so only conformance tests use it.
 */
final class Shapes {
  private static JsonNode spec;

  private Shapes() {}

  private static synchronized JsonNode spec() {
    if (spec == null) {
      try {
        spec = new ObjectMapper().readTree(
            Fixtures.path("openapi/jira-cloud-platform-swagger-v3.v3.json").toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return spec;
  }

  /**
   * Where a body breaks the OpenAPI response schema of an operation: an unknown property where
   * the schema allows none, a value of the wrong type, a required property missing.
   */
  static List<String> openApiViolations(String method, String path, int status, JsonNode body) {
    JsonNode operation = spec().path("paths").path(path).path(method.toLowerCase());
    if (operation.isMissingNode()) {
      throw new IllegalArgumentException("no operation " + method + " " + path + " in the spec");
    }
    JsonNode schema = operation.path("responses").path(String.valueOf(status)).path("content")
        .path("application/json").path("schema");
    if (schema.isMissingNode()) {
      throw new IllegalArgumentException("no JSON response " + status + " for " + path);
    }
    List<String> out = new ArrayList<>();
    check(schema, body, "$", out, 0);
    return out;
  }

  private static JsonNode resolve(JsonNode schema) {
    while (schema.has("$ref")) {
      String ref = schema.path("$ref").asText();
      schema = spec().at(ref.substring(1));
    }
    return schema;
  }

  private static void check(JsonNode schema, JsonNode value, String at, List<String> out,
      int depth) {
    schema = resolve(schema);
    if (depth > 40 || value == null || value.isNull()) {
      return;
    }
    if (schema.has("allOf")) {
      for (JsonNode part : schema.path("allOf")) {
        check(part, value, at, out, depth + 1);
      }
    }
    for (String alternatives : List.of("oneOf", "anyOf")) {
      if (schema.has(alternatives)) {
        boolean any = false;
        for (JsonNode option : schema.path(alternatives)) {
          List<String> trial = new ArrayList<>();
          check(option, value, at, trial, depth + 1);
          any |= trial.isEmpty();
        }
        if (!any) {
          out.add(at + ": matches none of " + alternatives);
        }
      }
    }
    String type = schema.path("type").asText("");
    if (!type.isEmpty() && !typeMatches(type, value)) {
      out.add(at + ": " + value.getNodeType() + " where the spec says " + type);
      return;
    }
    if (value.isObject()) {
      JsonNode properties = schema.path("properties");
      for (JsonNode required : schema.path("required")) {
        if (!value.has(required.asText())) {
          out.add(at + ": required property " + required.asText() + " missing");
        }
      }
      Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> e = fields.next();
        JsonNode property = properties.path(e.getKey());
        if (!property.isMissingNode()) {
          check(property, e.getValue(), at + "." + e.getKey(), out, depth + 1);
        } else if (schema.path("additionalProperties").isObject()) {
          check(schema.path("additionalProperties"), e.getValue(), at + "." + e.getKey(), out,
              depth + 1);
        } else if (properties.size() > 0 && !schema.path("additionalProperties").asBoolean(false)
            && !schema.has("allOf")) {
          out.add(at + ": property " + e.getKey() + " not in the spec");
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      int i = 0;
      for (JsonNode item : value) {
        check(schema.path("items"), item, at + "[" + i++ + "]", out, depth + 1);
      }
    }
  }

  private static boolean typeMatches(String type, JsonNode value) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> true;
    };
  }

  /**
   * Where a fake answer has what no real answer has: a property missing from every real answer
   * at the same place, or a value of another JSON type. Arrays are compared element by element
   * with every element of the real arrays there.
   */
  static List<String> unlikeRealAnswers(JsonNode fake, List<JsonNode> real,
      Predicate<String> ignored) {
    List<String> out = new ArrayList<>();
    compare(fake, real, "$", ignored, out);
    return out;
  }

  private static void compare(JsonNode fake, List<JsonNode> real, String at,
      Predicate<String> ignored, List<String> out) {
    List<JsonNode> known = real.stream().filter(r -> r != null && !r.isNull()
        && !r.isMissingNode()).toList();
    if (fake == null || fake.isNull() || known.isEmpty()) {
      return;
    }
    boolean sameType = known.stream().anyMatch(r -> r.getNodeType() == fake.getNodeType()
        || r.isNumber() && fake.isNumber());
    if (!sameType) {
      out.add(at + ": " + fake.getNodeType() + " where Jira sends " + known.get(0).getNodeType());
      return;
    }
    if (fake.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = fake.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> e = fields.next();
        String path = at + "." + e.getKey();
        if (ignored.test(path)) {
          continue;
        }
        List<JsonNode> there = known.stream().filter(JsonNode::isObject)
            .map(r -> r.get(e.getKey())).filter(v -> v != null).toList();
        if (there.isEmpty()) {
          out.add(path + ": not in any real answer");
        } else {
          compare(e.getValue(), there, path, ignored, out);
        }
      }
    } else if (fake.isArray()) {
      List<JsonNode> elements = new ArrayList<>();
      known.stream().filter(JsonNode::isArray).forEach(r -> r.forEach(elements::add));
      for (JsonNode item : fake) {
        compare(item, elements, at + "[]", ignored, out);
      }
    }
  }
}
