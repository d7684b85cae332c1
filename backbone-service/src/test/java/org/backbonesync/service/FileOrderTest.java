package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.backbonesync.core.ConfigurationProblem;
import org.junit.jupiter.api.Test;

/** A file's problems come in the order of their places in it, as a reader goes through it. */
class FileOrderTest {
  @Test
  void problemsAreOrderedAsTheirPlacesInTheFileAndMissingKeysEndTheirObject() throws Exception {
    String longName = "n".repeat(150);
    JsonNode root = new ObjectMapper().readTree("{\"b\": {\"y\": 1, \"x\": 2}, \"a\": [10, 20],"
        + " \"odd name\": 3, \"" + longName + "\": 4}");
    List<String> found = List.of("$.c", "$.a[1]", "$.b.missing", "$.b.x",
        ServiceConfig.member("$", longName), "$", "$[\"odd name\"]", "$.b", "$.b.y", "$.a[7]");

    List<String> sorted = FileOrder.sorted(root, found.stream()
        .map(path -> new ConfigurationProblem(path, "m")).toList()).stream()
        .map(ConfigurationProblem::path).toList();

    assertEquals(List.of("$", "$.b", "$.b.y", "$.b.x", "$.b.missing", "$.a[1]", "$.a[7]",
        "$[\"odd name\"]", ServiceConfig.member("$", longName), "$.c"), sorted);
  }
}
