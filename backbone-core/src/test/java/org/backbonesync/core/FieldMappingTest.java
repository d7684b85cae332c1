package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.message.StrictJson;
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

  /**
   * A fraction given as a float or a BigDecimal in Java (a FloatNode, a DecimalNode) equals the
   * same number read from the file (a DoubleNode); a BigDecimal whose text is whole reads as a
   * whole number, one with an exponent as a double.
   */
  @Test
  void fractionsTakeTheNodeTypesJsonGivesThem() throws Exception {
    ObjectNode inJava = JSON.createObjectNode();
    inJava.putArray("n").add(0.1f).add(new BigDecimal("0.50")).add(new BigDecimal("100"))
        .add(new BigDecimal("1E+2")).add(new BigDecimal("-12345678901234567890")).add(2.5);

    FieldMapping fromJson = mapping(JSON.readTree(
        "{\"n\": [0.1, 0.50, 100, 1E+2, -12345678901234567890, 2.5]}"));

    assertEquals(fromJson, mapping(inJava));
    assertEquals(fromJson.hashCode(), mapping(inJava).hashCode());
    assertTrue(mapping(inJava).settings().path("n").path(0).isDouble(), "as a mapping sees it");
    assertEquals(0.1, mapping(inJava).settings().path("n").path(0).doubleValue());
  }

  /**
   * NaN, an infinity or a number beyond a double's range given in Java was kept (a BigDecimal
   * became Infinity) and written out as text no reader takes back: the configuration refuses each,
   * naming where it is and what it is (a BigDecimal too small for a double became 0); the largest
   * double is kept.
   */
  @Test
  void numbersJsonCannotHoldAreRefusedNamingTheSettingAndTheValue() {
    BigInteger huge = BigInteger.TWO.pow(1100);
    ObjectNode settings = JSON.createObjectNode().put("ratio", Double.NaN)
        .put("low", Float.NEGATIVE_INFINITY).put("max", Double.MAX_VALUE);
    settings.putArray("n").add(1).addObject().put("big", new BigDecimal("1E+400"))
        .put("odd key", huge).put("tiny", new BigDecimal("-1E-400"));
    SyncConfiguration.Builder builder = SyncConfiguration.builder("s")
        .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
        .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
        .fieldMapping(FieldMapping.passthrough("m-0", "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("m-1", "constant", Direction.A_TO_B, null, "labels",
            settings));

    var e = assertThrows(ConfigurationException.class, builder::build);

    String range = ": must be a number within a double's range (JSON has no NaN or Infinity), was ";
    assertEquals(List.of("$.fieldMappings[1].settings.ratio" + range + "NaN",
        "$.fieldMappings[1].settings.low" + range + "-Infinity",
        "$.fieldMappings[1].settings.n[1].big" + range + "1E+400",
        "$.fieldMappings[1].settings.n[1][\"odd key\"]" + range
            + huge.toString().substring(0, 80) + "...",
        "$.fieldMappings[1].settings.n[1].tiny: must be a number within a double's range (one"
            + " this small reads as 0), was -1E-400"),
        e.problems().stream().map(ConfigurationProblem::toString).toList());
  }

  @Test
  void settingsTheReaderWouldRefuseAreRefusedWhenBuiltSoThatWrittenTheyReadBack() {
    BigInteger long150 = BigInteger.TEN.pow(149).add(BigInteger.ONE); // 150 digits, a double's
    ObjectNode settings = JSON.createObjectNode().put("fine", BigInteger.TEN.pow(99))
        .put("long", long150).put("text", "x".repeat(StrictJson.MAX_STRING_LENGTH + 1));
    ObjectNode deep = settings.putObject("deep");
    for (int i = 0; i < StrictJson.MAX_NESTING_DEPTH; i++) {
      deep = deep.putObject("d");
    }
    SyncConfiguration.Builder builder = SyncConfiguration.builder("s")
        .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
        .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
        .fieldMapping(FieldMapping.of("m-0", "constant", Direction.A_TO_B, null, "labels",
            settings));

    var e = assertThrows(ConfigurationException.class, builder::build);

    assertEquals(List.of("$.fieldMappings[0].settings.long: must be at most 100 digits (the"
            + " most a reader takes), was 150: " + long150.toString().substring(0, 80) + "...",
        "$.fieldMappings[0].settings.text: must be at most 10485760 characters (the most a"
            + " reader takes), was 10485761",
        "$.fieldMappings[0].settings.deep" + ".d".repeat(StrictJson.MAX_NESTING_DEPTH - 4)
            + ": must be nested at most 200 levels in the configuration (the most a reader"
            + " takes), was deeper"),
        e.problems().stream().map(ConfigurationProblem::toString).toList());
  }

  @Test
  void settingsAtTheReadersLimitsAreWrittenAndReadBackEqual() {
    ObjectNode settings = JSON.createObjectNode();
    settings.put("value", "x").put("long", BigInteger.TEN.pow(99)); // 100 digits
    ObjectNode deep = settings.putObject("deep");
    for (int i = 0; i < StrictJson.MAX_NESTING_DEPTH - 5; i++) { // the deepest at level 200
      deep = deep.putObject("d");
    }
    SyncConfiguration config = SyncConfiguration.builder("s")
        .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
        .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
        .fieldMapping(FieldMapping.of("m-0", "probe", Direction.A_TO_B, "labels", "labels",
            settings))
        .build();
    SyncConfigurationJson json = new SyncConfigurationJson(
        FieldMappingRegistry.builder().register(new SettingsProbe()).build());

    assertEquals(config, json.read(json.write(config)));
  }

  /** A custom type that takes any settings (the built-ins refuse unknown ones). */
  static final class SettingsProbe implements FieldMappingProvider {
    @Override
    public String type() {
      return "probe";
    }

    @Override
    public String displayName() {
      return "probe";
    }

    @Override
    public OutgoingFieldMapping outgoing(MappingDefinition definition) {
      throw new UnsupportedOperationException();
    }

    @Override
    public IncomingFieldMapping incoming(MappingDefinition definition) {
      throw new UnsupportedOperationException();
    }
  }
}
