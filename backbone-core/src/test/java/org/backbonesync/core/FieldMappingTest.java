package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** A mapping's settings built in Java equal the same settings read from JSON. */
class FieldMappingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static FieldMapping mapping(com.fasterxml.jackson.databind.JsonNode settings) {
    return FieldMapping.of("m-1", "custom", Direction.BOTH, "a", "b", settings);
  }

  @Test
  void wholeNumbersTakeTheNodeTypesJsonGivesThem() throws Exception {
    ObjectNode inJava = JSON.createObjectNode();
    inJava.putArray("n").add(1L).add(BigInteger.valueOf(7)).add(BigInteger.TWO.pow(70))
        .add(5_000_000_000L);
    inJava.putObject("o").put("x", (short) 3).put("f", 0.5).put("t", "10");

    FieldMapping fromJson = mapping(JSON.readTree("{\"n\": [1, 7, 1180591620717411303424,"
        + " 5000000000], \"o\": {\"x\": 3, \"f\": 0.5, \"t\": \"10\"}}"));

    assertEquals(fromJson, mapping(inJava));
    assertEquals(fromJson.hashCode(), mapping(inJava).hashCode());
    assertTrue(mapping(inJava).settings().path("n").path(0).isInt(), "as a mapping sees it");
    assertNotEquals(fromJson, mapping(JSON.readTree("{\"n\": [1, 7, 1180591620717411303424,"
        + " 5000000000], \"o\": {\"x\": 3, \"f\": 0.5, \"t\": 10}}")), "text is not a number");
  }
}
