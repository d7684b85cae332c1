package org.backbonesync.spi.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Messages written by a hostile or broken partner: each is refused with a {@link
 * MessageFormatException} that says what is wrong, and never read as something else.
 */
class MessageCodecHostileInputTest {
  private final MessageCodec codec = new MessageCodec();

  private static SyncMessage message() {
    Map<String, FieldValue> fields = new LinkedHashMap<>();
    fields.put("map-summary",
        new FieldValue(JsonNodeFactory.instance.textNode("Printer"), 1, "alice"));
    return SyncMessage.builder().messageId("PA:PA-1:1:1").synchronizationId("sync")
        .fromConnector("PA").toConnector("PB").sourceIssueKey("PA-1").sequenceId(5)
        .kind(MessageKind.CHANGE).issueType("Task").createdAt(1000).fields(fields).build();
  }

  private String json() {
    return new String(codec.encode(message()), StandardCharsets.UTF_8);
  }

  private String refusal(String text) {
    return assertThrows(MessageFormatException.class,
        () -> codec.decode(text.getBytes(StandardCharsets.UTF_8))).getMessage();
  }

  private static void assertContains(String expected, String actual) {
    assertTrue(actual.contains(expected), () -> "expected \"" + expected + "\" in: " + actual);
  }

  @Test
  void theMessageTheseCasesStartFromIsRead() {
    assertEquals(message(), codec.decode(json().getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aSecondMessageIdIsRefusedNotReadAsTheLastOne() {
    String twice = json().replaceFirst("\\{", "{\"messageId\":\"PA:PA-9:9:9\",");
    assertContains("Duplicate field 'messageId'", refusal(twice));
  }

  @Test
  void aSecondSequenceIdIsRefused() {
    String twice = json().replaceFirst("\\{", "{\"sequenceId\":99,");
    assertContains("Duplicate field 'sequenceId'", refusal(twice));
  }

  @Test
  void aFieldMappingIdTwiceIsRefused() {
    String twice = json().replace("\"fields\":{", "\"fields\":{\"map-summary\":{\"value\":\"x\","
        + "\"changedAt\":1,\"changedBy\":\"eve\"},");
    assertContains("Duplicate field 'map-summary'", refusal(twice));
  }

  @Test
  void aDuplicateKeyDeepInAFieldValueIsRefused() {
    String twice = json().replace("\"value\":\"Printer\"", "\"value\":{\"a\":[{\"b\":1,\"b\":2}]}");
    assertContains("Duplicate field 'b'", refusal(twice));
  }

  @Test
  void aSecondMessageAfterTheFirstIsRefused() {
    assertContains("content after the value", refusal(json() + " " + json()));
    assertContains("Unrecognized token 'x'", refusal(json() + " x"));
  }

  @Test
  void nestingDeeperThanTheLimitIsRefusedBeforeATreeIsBuilt() {
    int depth = StrictJson.MAX_NESTING_DEPTH + 1;
    String deep = json().replace("\"value\":\"Printer\"",
        "\"value\":" + "[".repeat(depth) + "]".repeat(depth));
    assertContains("nesting depth", refusal(deep));
    assertContains("message is over a limit: Document nesting depth (201) exceeds",
        refusal(deep)); // (not "not valid JSON at an unknown position")
    String veryDeep = json().replace("\"value\":\"Printer\"",
        "\"value\":" + "[".repeat(100_000));
    assertContains("nesting depth", refusal(veryDeep)); // no StackOverflowError
  }

  @Test
  void anOverlongNumberIsRefused() {
    String huge = json().replace("\"changedAt\":1", "\"changedAt\":" + "9".repeat(1000));
    assertContains("message is over a limit: Number value length", refusal(huge));
  }

  @Test
  void aNumberOutOfRangeIsRefusedNotWrapped() {
    String wrapped = json().replace("\"sequenceId\":5", "\"sequenceId\":18446744073709551621");
    assertContains("out of range", refusal(wrapped));
  }

  @Test
  void aNumberInQuotesIsRefusedNotConverted() {
    String quoted = json().replace("\"sequenceId\":5", "\"sequenceId\":\"5\"");
    assertContains("malformed message \"PA:PA-1:1:1\"", refusal(quoted));
    assertContains("sequenceId", refusal(quoted));
  }

  @Test
  void aFractionForAnIntegerIsRefusedNotTruncated() {
    String fraction = json().replace("\"sequenceId\":5", "\"sequenceId\":5.7");
    assertContains("sequenceId", refusal(fraction));
    String formatVersion = json().replace("\"formatVersion\":7", "\"formatVersion\":1.5");
    assertContains("formatVersion", refusal(formatVersion));
  }

  /** Version 7's flag takes a JSON boolean only: not quoted, not a number, not null. */
  @Test
  void theIgnoredFlagIsABooleanOrTheMessageIsRefused() {
    String flag = "\"incomingChangesIgnored\":false";
    assertTrue(json().contains(flag), json());
    for (String bad : List.of("\"true\"", "1", "null", "[]")) {
      assertContains("incomingChangesIgnored",
          refusal(json().replace(flag, "\"incomingChangesIgnored\":" + bad)));
    }
  }

  @Test
  void aNumberForTheKindIsRefused() {
    String number = json().replace("\"kind\":\"CHANGE\"", "\"kind\":0");
    assertContains("kind", refusal(number));
  }

  /**
   * Found by a sweep: Jackson trims an enum's name it does not know and tries again, so
   * {@code " CHANGE\t"} and {@code "CHANGE"} with a NUL after it (a control character, which the
   * receiver refuses in every key) were read as CHANGE. A kind is read only as written.
   */
  @Test
  void aKindIsReadOnlyAsWritten() {
    for (String bad : List.of("\" CHANGE\\t\"", "\"CHANGE\\u0000\"", "\"CHANGE\\n\"")) {
      assertEquals("malformed message \"PA:PA-1:1:1\" at $.kind: must be one of [CHANGE, RESYNC,"
          + " PAIRED, GONE], was " + bad,
          refusal(json().replace("\"kind\":\"CHANGE\"", "\"kind\":" + bad)), bad);
    }
  }

  @Test
  void aQuotedFormatVersionIsRefused() {
    String quoted = json().replace("\"formatVersion\":7", "\"formatVersion\":\"1\"");
    assertContains("no numeric formatVersion", refusal(quoted));
  }

  /** A refusal of the version names it as written, as every other refusal names its value. */
  @Test
  void aFormatVersionThatIsNoWholeNumberIsNamed() {
    String version = "\"formatVersion\":7";
    assertEquals("message has no numeric formatVersion (a whole number from 1 to 7), was \"1\""
        + " (messageId \"PA:PA-1:1:1\")", refusal(json().replace(version,
            "\"formatVersion\":\"1\"")));
    assertEquals("message has no numeric formatVersion (a whole number from 1 to 7), was 1E-400"
        + " (messageId \"PA:PA-1:1:1\")", refusal(json().replace(version,
            "\"formatVersion\":1e-400")));
    assertEquals("message has no numeric formatVersion (a whole number from 1 to 7), was missing"
        + " (messageId \"PA:PA-1:1:1\")", refusal(json().replace(version + ",", "")));
  }

  @Test
  void aMissingRequiredPropertyIsRefused() {
    String noSync = json().replace("\"synchronizationId\":\"sync\",", "");
    assertEquals("malformed message \"PA:PA-1:1:1\" at $.synchronizationId: missing or null; every"
        + " message has one", refusal(noSync));
    String nullKind = json().replace("\"kind\":\"CHANGE\"", "\"kind\":null");
    assertEquals("malformed message \"PA:PA-1:1:1\" at $.kind: missing or null; every message has"
        + " one", refusal(nullKind));
    String noId = json().replace("\"messageId\":\"PA:PA-1:1:1\",", "");
    assertEquals("malformed message at $.messageId: missing or null; every message has one",
        refusal(noId));
    // a field's value written as null is a value; one not written at all is no message of ours,
    // and read as null it cleared the partner's field (helper-129)
    String noValue = json().replace("\"value\":\"Printer\",", "");
    assertContains("at $.fields[\"map-summary\"].value: Missing required creator property",
        refusal(noValue));
    String nullValue = json().replace("\"value\":\"Printer\"", "\"value\":null");
    assertEquals(com.fasterxml.jackson.databind.node.NullNode.getInstance(),
        codec.decode(nullValue.getBytes(StandardCharsets.UTF_8)).fields().get("map-summary")
            .value());
    assertEquals("json", assertThrows(NullPointerException.class,
        () -> codec.decode((byte[]) null)).getMessage());
  }

  @Test
  void everyCutOfAMessageIsRefused() {
    byte[] whole = codec.encode(message());
    for (int length = 0; length < whole.length; length++) {
      byte[] cut = java.util.Arrays.copyOf(whole, length);
      assertThrows(MessageFormatException.class, () -> codec.decode(cut), "cut at " + length);
    }
  }

  @Test
  void bytesThatAreNotUtf8AreRefused() {
    byte[] bytes = json().replace("Printer", "Pr\u00e9nter").getBytes(StandardCharsets.ISO_8859_1);
    assertContains("Invalid UTF-8", assertThrows(MessageFormatException.class,
        () -> codec.decode(bytes)).getMessage());
  }

  @Test
  void whatARefusalRepeatsOfTheInputIsCutAndPrintable() {
    String hostileId = "\u001b[31m" + "x".repeat(100_000);
    String json = json().replace("\"formatVersion\":7", "\"formatVersion\":8")
        .replace("PA:PA-1:1:1", hostileId.replace("\u001b", "\\u001b"));
    String refusal = refusal(json);
    assertContains("unsupported message formatVersion 8", refusal);
    assertTrue(refusal.length() < 400, "refusal of " + refusal.length() + " characters");
    assertTrue(refusal.chars().allMatch(c -> c >= 0x20 && c < 0x7f), refusal);
  }

  @Test
  void aNonObjectIsRefused() {
    assertContains("must be a JSON object", refusal("[1,2]"));
    assertContains("must be a JSON object", refusal("\"message\""));
    assertContains("must be a JSON object", refusal(""));
  }

  /**
   * Found in a review: a number beyond a double's range in a field value ({@code 1e400}) was
   * read as Infinity, handed so to the field mapping and encoded on as the text
   * {@code "Infinity"}; {@code 1e-400} was read as 0. Each is refused at its path, as written,
   * read as bytes and as a tree (an envelope's message), in a value, a previous value or a
   * document.
   */
  @Test
  void aNumberBeyondADoublesRangeIsRefusedAtItsPathAsWritten() {
    String must = ": must be a number within a double's range (Jira's number fields hold"
        + " doubles), was ";
    String at = "malformed message \"PA:PA-1:1:1\" at $.fields[\"map-summary\"].value";
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put("1e400", at + must + "1E+400");
    refused.put("-1e400", at + must + "-1E+400");
    refused.put("1.7976931348623159e308", at + must + "1.7976931348623159E+308");
    refused.put("1e-400", at + must + "1E-400");
    refused.put("-2e-324", at + must + "-2E-324");
    refused.put("[1.5,{\"a\":1e400}]", at + "[1].a" + must + "1E+400");
    refused.forEach((bad, why) -> assertEquals(why, refusal(json().replace("\"value\":\"Printer\"",
        "\"value\":" + bad)), bad));
    String previous = json().replace("\"changedBy\":\"alice\"",
        "\"changedBy\":\"alice\",\"previous\":[1e999]");
    assertEquals("malformed message \"PA:PA-1:1:1\" at $.fields[\"map-summary\"].previous[0]"
        + must + "1E+999", refusal(previous));
  }

  /**
   * A tree read with doubles (an envelope's message, as a caller may parse it) holds such a
   * number as an infinity: refused too, at its path; as a decimal it is shown as written.
   */
  @Test
  void aNumberBeyondADoublesRangeInATreeIsRefusedAtItsPath() throws Exception {
    String text = json().replace("\"value\":\"Printer\"", "\"value\":{\"a\":-1e400}");
    MessageFormatException doubles = assertThrows(MessageFormatException.class,
        () -> codec.decode(StrictJson.mapper().readTree(text)));
    assertEquals("malformed message \"PA:PA-1:1:1\" at $.fields[\"map-summary\"].value.a: must"
        + " be a number within a double's range (Jira's number fields hold doubles), was a"
        + " number beyond a double's range", doubles.getMessage());
    MessageFormatException decimals = assertThrows(MessageFormatException.class,
        () -> codec.decode(StrictJson.builder().enable(com.fasterxml.jackson.databind
            .DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build().readTree(text)));
    assertTrue(decimals.getMessage().endsWith("value.a: must be a number within a double's"
        + " range (Jira's number fields hold doubles), was -1E+400"), decimals.getMessage());
  }

  /** Numbers a double holds are read as doubles, whole numbers past a long as written. */
  @Test
  void numbersWithinADoublesRangeAreRead() {
    for (String good : List.of("1.7976931348623157e308", "4.9e-324", "3e-324", "0e-400", "-0.0",
        "1" + "0".repeat(99), "0.1")) {
      SyncMessage m = codec.decode(json().replace("\"value\":\"Printer\"", "\"value\":" + good)
          .getBytes(StandardCharsets.UTF_8));
      com.fasterxml.jackson.databind.JsonNode value = m.fields().get("map-summary").value();
      assertEquals(new java.math.BigDecimal(good).compareTo(value.decimalValue()) == 0
          || good.equals("3e-324"), true, good + " read as " + value);
      assertTrue(Double.isFinite(value.doubleValue()), good);
    }
  }

  /**
   * Found by a sweep: a refusal of the parser named a line and a column only ("at line 1, column
   * 262: Non-standard token 'NaN'"), and a number over the limit neither its place nor its value.
   * Each names the path too, as the envelopes and the Jira webhook do.
   */
  @Test
  void aRefusalOfTheParserNamesThePath() {
    String value = "\"value\":\"Printer\"";
    assertTrue(refusal(json().replace(value, "\"value\":NaN")).endsWith(
        ": Non-standard token 'NaN' at $.fields[\"map-summary\"].value"));
    assertTrue(refusal(json().replace(value, "\"value\":{\"a\":[{\"b\":1,\"b\":2}]}"))
        .endsWith(": Duplicate field 'b' at $.fields[\"map-summary\"].value.a[0].b"));
    assertEquals("message is over a limit: Number value length (1000) exceeds the maximum"
        + " allowed (100) at $.fields[\"map-summary\"].changedAt, was " + "9".repeat(40) + "...",
        refusal(json().replace("\"changedAt\":1", "\"changedAt\":" + "9".repeat(1000))));
    assertTrue(refusal(json().replace(value, "\"value\":1e2147483648")).endsWith(": Number value"
        + " 1e2147483648 is beyond what a decimal holds (an exponent from -2147483647 to"
        + " 2147483647) at $.fields[\"map-summary\"].value"));
    // a whole number's property: refused as no whole number, not as a double
    assertEquals("malformed message \"PA:PA-1:1:1\" at $.sequenceId: Cannot coerce"
        + " Floating-point value (1E+400) to `long` value (but could if coercion was enabled"
        + " using `CoercionConfig`)", refusal(json().replace("\"sequenceId\":5",
            "\"sequenceId\":1e400")));
  }

  /**
   * Found in a review: a negative time, epoch or sequence id from a partner ({@code changedAt},
   * {@code senderEpoch}, ...) was read and handed to the engine, which orders pairs and rows by
   * them; a sequence id below 1 was refused naming it, but at {@code $}. Each is refused at its
   * path with its value, read as bytes and as a tree; 0 is read where it means "none" or "not
   * known", as the engine writes it.
   */
  @Test
  void aNegativeTimeEpochOrSequenceIdIsRefusedAtItsPath() throws Exception {
    String json = new String(codec.encode(SyncMessage.builder().messageId("PA:PA-1:1:1")
        .synchronizationId("sync").fromConnector("PA").toConnector("PB").sourceIssueKey("PA-1")
        .sequenceId(5).kind(MessageKind.CHANGE).issueType("Task").createdAt(1000)
        .fields(message().fields()).seenSequenceId(4).senderEpoch(7).receiverEpoch(3)
        .partnerSince(2).build()), StandardCharsets.UTF_8);
    String at = "malformed message \"PA:PA-1:1:1\" at $.";
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put("\"sequenceId\":-1", at + "sequenceId: must be at least 1, was -1");
    refused.put("\"sequenceId\":0", at + "sequenceId: must be at least 1, was 0");
    refused.put("\"createdAt\":-1000", at + "createdAt: must be 0 or more, was -1000");
    refused.put("\"seenSequenceId\":-4", at + "seenSequenceId: must be 0 or more, was -4");
    refused.put("\"senderEpoch\":-1", at + "senderEpoch: must be 0 or more, was -1");
    refused.put("\"receiverEpoch\":-3", at + "receiverEpoch: must be 0 or more, was -3");
    refused.put("\"partnerSince\":-2", at + "partnerSince: must be 0 or more, was -2");
    refused.put("\"changedAt\":-9223372036854775808", at + "fields[\"map-summary\"].changedAt:"
        + " must be 0 or more, was -9223372036854775808");
    refused.forEach((bad, why) -> {
      String text = json.replaceFirst("\"" + bad.substring(1, bad.indexOf(':')) + ":[0-9]+",
          java.util.regex.Matcher.quoteReplacement(bad));
      assertTrue(text.contains(bad), text);
      assertEquals(why, refusal(text), bad);
      assertEquals(why, assertThrows(MessageFormatException.class,
          () -> codec.decode(StrictJson.mapper().readTree(text))).getMessage(), bad);
    });
    String zeros = json.replaceAll("\"(createdAt|changedAt|seenSequenceId|senderEpoch"
        + "|receiverEpoch|partnerSince)\":[0-9]+", "\"$1\":0");
    SyncMessage read = codec.decode(zeros.getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 0L), List.of(read.createdAt(),
        read.fields().get("map-summary").changedAt(), read.seenSequenceId(), read.senderEpoch(),
        read.receiverEpoch(), read.partnerSince()));
  }

  /**
   * A message inside a larger document (a transport's envelope) is refused at its path from the
   * document's root, whichever check refuses it.
   */
  @Test
  void aMessageInADocumentIsRefusedAtItsPathThere() throws Exception {
    String at = "$.messages[2]";
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put(json().replace("\"changedAt\":1", "\"changedAt\":-1"), "malformed message"
        + " \"PA:PA-1:1:1\" at $.messages[2].fields[\"map-summary\"].changedAt: must be 0 or"
        + " more, was -1");
    refused.put(json().replace("\"sequenceId\":5", "\"sequenceId\":-1.5"), "malformed message"
        + " \"PA:PA-1:1:1\" at $.messages[2].sequenceId: Cannot coerce Floating-point value"
        + " (-1.5) to `long` value (but could if coercion was enabled using `CoercionConfig`)");
    refused.put(json().replace("\"kind\":\"CHANGE\"", "\"kind\":null"), "malformed message"
        + " \"PA:PA-1:1:1\" at $.messages[2].kind: missing or null; every message has one");
    refused.put(json().replace("\"value\":\"Printer\"", "\"value\":[1e400]"), "malformed"
        + " message \"PA:PA-1:1:1\" at $.messages[2].fields[\"map-summary\"].value[0]: must be a"
        + " number within a double's range (Jira's number fields hold doubles), was a number"
        + " beyond a double's range");
    refused.put(json().replace("\"formatVersion\":7", "\"formatVersion\":9"), "unsupported"
        + " message formatVersion 9 at $.messages[2] (messageId \"PA:PA-1:1:1\"); this version"
        + " reads 1 to 7");
    refused.put("[]", "message at $.messages[2] must be a JSON object");
    for (Map.Entry<String, String> e : refused.entrySet()) {
      var tree = StrictJson.mapper().readTree(e.getKey());
      assertEquals(e.getValue(), assertThrows(MessageFormatException.class,
          () -> codec.decode(tree, at)).getMessage(), e.getKey());
    }
    assertEquals(message(), codec.decode(StrictJson.mapper().readTree(json()), at));
  }

  /**
   * A worklog's {@code started} and {@code timeSpentSeconds} and an attachment's {@code size}
   * in content operations were read with {@code asLong()}: a text, a fraction, a negative length
   * or size or {@code 1e400} was taken as some long and handed to the tracker. Each is refused at
   * its path with its value, read as bytes and as a tree, and in a message of format version 2,
   * which carried the operations in {@code fields}; 0 and whole numbers up to a long are read (a
   * negative {@code started} too: {@link #aWorklogStartedBefore1970IsRead}).
   */
  @Test
  void aContentOperationsNumberIsAWholeNumberFromZero() throws Exception {
    JsonNodeFactory f = JsonNodeFactory.instance;
    Map<String, com.fasterxml.jackson.databind.JsonNode> content = new LinkedHashMap<>();
    content.put("map-worklogs", f.arrayNode().add(f.objectNode().put("op", "add").put("id", "1")
        .put("started", 1700000000000L).put("timeSpentSeconds", 3600).put("comment", "x")));
    content.put("map-attachments", f.arrayNode().add(f.objectNode().put("op", "delete")
        .put("id", "7")).add(f.objectNode().put("op", "add").put("id", "8").put("size", 5)
        .put("sha256", "ab")));
    SyncMessage good = SyncMessage.builder().messageId("PA:PA-1:1:1").synchronizationId("sync")
        .fromConnector("PA").toConnector("PB").sourceIssueKey("PA-1").sequenceId(5)
        .kind(MessageKind.CHANGE).content(content).build();
    String json = new String(codec.encode(good), StandardCharsets.UTF_8);
    assertEquals(good, codec.decode(json.getBytes(StandardCharsets.UTF_8)));
    String at = "malformed message \"PA:PA-1:1:1\" at $.content[\"map-";
    String started = at + "worklogs\"][0].started: must be a whole number from "
        + Long.MIN_VALUE + " to 9223372036854775807, was ";
    String whole = "a whole number from 0 to 9223372036854775807, was ";
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put("\"started\":\"1700000000000\"", started + "\"1700000000000\"");
    refused.put("\"started\":1.5", started + "1.5");
    refused.put("\"started\":null", started + "null");
    refused.put("\"started\":99999999999999999999", started + "99999999999999999999");
    refused.put("\"timeSpentSeconds\":1e400", at + "worklogs\"][0].timeSpentSeconds: must be "
        + whole + "1E+400");
    refused.put("\"size\":-5", at + "attachments\"][1].size: must be 0 or more, was -5");
    refused.put("\"size\":\"5\"", at + "attachments\"][1].size: must be " + whole + "\"5\"");
    refused.forEach((bad, why) -> {
      String text = json.replaceFirst("\"" + bad.substring(1, bad.indexOf(':')) + ":[0-9]+",
          java.util.regex.Matcher.quoteReplacement(bad));
      assertTrue(text.contains(bad), text);
      assertEquals(why, refusal(text), bad);
    });
    String negative = json.replace("\"size\":5", "\"size\":-5");
    assertEquals(refused.get("\"size\":-5"), assertThrows(MessageFormatException.class,
        () -> codec.decode(StrictJson.mapper().readTree(negative))).getMessage());
    String zeros = json.replaceAll("\"(started|timeSpentSeconds|size)\":[0-9]+", "\"$1\":0")
        .replace("\"id\":\"8\",\"size\":0", "\"id\":\"8\",\"size\":9223372036854775807");
    assertEquals(9223372036854775807L, codec.decode(zeros.getBytes(StandardCharsets.UTF_8))
        .content().get("map-attachments").get(1).get("size").longValue());
    String version2 = "{\"formatVersion\":2,\"messageId\":\"PA:PA-1:1:1\",\"synchronizationId\":"
        + "\"sync\",\"fromConnector\":\"PA\",\"toConnector\":\"PB\",\"sourceIssueKey\":\"PA-1\","
        + "\"partnerIssueKey\":null,\"sequenceId\":5,\"kind\":\"CHANGE\",\"issueType\":null,"
        + "\"createdAt\":0,\"fields\":{\"map-attachments\":{\"value\":[{\"op\":\"add\","
        + "\"id\":\"8\",\"size\":%s,\"sha256\":\"ab\"}],\"changedAt\":0,\"changedBy\":\"alice\"}},"
        + "\"parentIssueKey\":null,\"seenSequenceId\":0,\"senderEpoch\":0,\"receiverEpoch\":0,"
        + "\"partnerSince\":0}";
    assertEquals(5, codec.decode(String.format(version2, "5").getBytes(StandardCharsets.UTF_8))
        .fields().get("map-attachments").value().get(0).get("size").intValue());
    assertEquals("malformed message \"PA:PA-1:1:1\" at $.fields[\"map-attachments\"].value[0]"
        + ".size: must be " + whole + "\"5\"", refusal(String.format(version2, "\"5\"")));
    // (a mapping's own value of objects, no operations: read as it is)
    String shirt = String.format(version2, "\"L\"").replace("\"op\":\"add\",", "");
    assertEquals("L", codec.decode(shirt.getBytes(StandardCharsets.UTF_8)).fields()
        .get("map-attachments").value().get(0).get("size").asText());
  }

  /**
   * A blank field mapping id, which the configuration refuses, was read, and refused only when
   * applied, as an unknown mapping: it is refused at its path, read as bytes and as a tree, and
   * the record refuses one too.
   */
  @Test
  void aBlankFieldMappingIdIsRefusedAtItsPath() throws Exception {
    String at = "malformed message \"PA:PA-1:1:1\" at $.";
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put(json().replace("\"map-summary\":", "\"\":"),
        at + "fields[\"\"]: a field mapping id must not be blank, was \"\"");
    refused.put(json().replace("\"map-summary\":", "\" \\t\":"),
        at + "fields[\" ?\"]: a field mapping id must not be blank, was \" \\t\"");
    refused.put(json().replace("\"content\":{}", "\"content\":{\"\":[]}"),
        at + "content[\"\"]: a field mapping id must not be blank, was \"\"");
    refused.forEach((text, why) -> {
      assertTrue(!text.equals(json()), text);
      assertEquals(why, refusal(text), text);
      assertEquals(why, assertThrows(MessageFormatException.class,
          () -> codec.decode(StrictJson.mapper().readTree(text))).getMessage(), text);
    });
    var built = assertThrows(IllegalArgumentException.class, () -> SyncMessage.builder()
        .messageId("m").synchronizationId("s").fromConnector("PA").toConnector("PB")
        .sourceIssueKey("PA-1").sequenceId(1).kind(MessageKind.CHANGE)
        .fields(Map.of("", message().fields().get("map-summary"))).build());
    assertEquals("fields must not hold a blank field mapping id, was \"\"", built.getMessage());
  }

  /**
   * A null {@code changedBy} is read on purpose: the engine sends one for a change its tracker
   * names nobody for (Jira's changelog of an anonymous change, an issue without creator and
   * reporter), and the original product's documents say nothing of the message's form.
   */
  @Test
  void aNullChangedByIsRead() {
    String anonymous = json().replace("\"changedBy\":\"alice\"", "\"changedBy\":null");
    assertTrue(anonymous.contains("\"changedBy\":null"), anonymous);
    FieldValue read = codec.decode(anonymous.getBytes(StandardCharsets.UTF_8)).fields()
        .get("map-summary");
    assertEquals(new FieldValue(JsonNodeFactory.instance.textNode("Printer"), 1, null), read);
  }

  /**
   * Jira holds a worklog started before 1970 (history brought over from another tool, a year
   * typed as 0026) as any other: its {@code started} is a negative time, which the sender puts
   * in the message as it is. The codec refused that message at {@code started} ("must be 0 or
   * more"), so the issue's changes waited at the partner for good; it is read, as bytes, as a
   * tree and by the one-pass read's check.
   */
  @Test
  void aWorklogStartedBefore1970IsRead() throws Exception {
    JsonNodeFactory f = JsonNodeFactory.instance;
    long moonWalk = -14_182_940_000L; // 1969-07-21T02:56:20Z
    SyncMessage sent = SyncMessage.builder().messageId("PA:PA-1:1:1").synchronizationId("sync")
        .fromConnector("PA").toConnector("PB").sourceIssueKey("PA-1").sequenceId(5)
        .kind(MessageKind.CHANGE).content(Map.of("map-worklogs", f.arrayNode().add(
            f.objectNode().put("op", "add").put("id", "1").put("started", moonWalk)
                .put("timeSpentSeconds", 600).put("comment", "Small step")))).build();
    byte[] bytes = codec.encode(sent);

    assertEquals(moonWalk, codec.decode(bytes).content().get("map-worklogs").get(0)
        .get("started").longValue());
    assertEquals(sent, codec.decode(StrictJson.mapper().readTree(bytes), "$"));
    assertTrue(org.backbonesync.spi.internal.MessageNumbers.within(sent));
  }
}
