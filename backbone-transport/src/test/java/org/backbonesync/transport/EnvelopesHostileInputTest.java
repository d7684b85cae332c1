package org.backbonesync.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;
import org.junit.jupiter.api.Test;

/**
 * Envelopes that are signed correctly but written by a hostile or broken partner: the parser
 * refuses each with its reason and a text that says what is wrong, before any message is used.
 */
class EnvelopesHostileInputTest {
  private final ManualClock clock = ManualClock.startingAt2026();
  private final EnvelopeSecurity security = EnvelopeSecurity.builder("pa-pb")
      .key("k1", EnvelopesTest.SECRET).clock(clock).maxEnvelopeBytes(64 * 1024).build();

  private String body() {
    return Forge.body(Envelopes.seal(security, Envelopes.MESSAGES, "PA", "PB",
        List.of(new MessageCodec().encode(EnvelopesTest.message("PA", "PB", 1))), List.of()));
  }

  private EnvelopeRejectedException refused(byte[] envelope) {
    return assertThrows(EnvelopeRejectedException.class,
        () -> Envelopes.open(security, new ByteArrayInputStream(envelope)));
  }

  private void assertRefused(Reason reason, String text, String body) {
    EnvelopeRejectedException e = refused(Forge.signed(body));
    assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(text), () -> "expected \"" + text + "\" in "
        + e.getMessage());
  }

  @Test
  void theBodyTheseCasesStartFromOpens() throws Exception {
    assertEquals(1, Envelopes.open(security, new ByteArrayInputStream(Forge.signed(body())))
        .messages().size());
  }

  @Test
  void aSecondEnvelopePropertyIsRefusedNotReadAsTheLastOne() {
    assertRefused(Reason.MALFORMED, "Duplicate field 'to'",
        body().replaceFirst("\\{", "{\"to\":\"PC\","));
    assertRefused(Reason.MALFORMED, "Duplicate field 'envelopeId'",
        body().replaceFirst("\\{", "{\"envelopeId\":\"again\","));
  }

  @Test
  void aDuplicateKeyInsideAMessageIsRefused() {
    assertRefused(Reason.MALFORMED, "Duplicate field 'sequenceId'",
        body().replace("\"sequenceId\":1", "\"sequenceId\":1,\"sequenceId\":7"));
  }

  @Test
  void aVersionThatWrapsToOneIsRefused() {
    assertEquals(true, body().contains("\"version\":1"), body());
    assertRefused(Reason.MALFORMED, "not a version 1 backbone envelope",
        body().replace("\"version\":1", "\"version\":18446744073709551617")); // 2^64 + 1
  }

  @Test
  void textAfterTheBodyIsRefused() {
    assertRefused(Reason.MALFORMED, "the body is not JSON", body() + "{}");
  }

  @Test
  void anUnknownPropertyIsRefused() {
    assertRefused(Reason.MALFORMED, "unknown property \"priority\"",
        body().replaceFirst("\\{", "{\"priority\":1,"));
  }

  @Test
  void aVersionOrTimestampOfAnotherTypeIsRefused() {
    assertRefused(Reason.MALFORMED, "not a version 1",
        body().replace("\"version\":1", "\"version\":\"1\""));
    assertRefused(Reason.MALFORMED, "not a version 1",
        body().replace("\"version\":1", "\"version\":1.0"));
    String timestamp = "\"timestamp\":" + clock.millis();
    String must = "timestamp must be epoch milliseconds (a whole number), was ";
    assertRefused(Reason.MALFORMED, must + "\"" + clock.millis() + "\"",
        body().replace(timestamp, "\"timestamp\":\"" + clock.millis() + "\""));
    assertRefused(Reason.MALFORMED, must + "1767258000000.5",
        body().replace(timestamp, "\"timestamp\":" + clock.millis() + ".5"));
    assertRefused(Reason.MALFORMED, must + "18446744073709551621",
        body().replace(timestamp, "\"timestamp\":18446744073709551621"));
    assertRefused(Reason.MALFORMED, "from must be a string that is not empty, was 7",
        body().replace("\"from\":\"PA\"", "\"from\":7"));
    assertRefused(Reason.MALFORMED, "kind must be \"messages\", \"acks\" or \"content\", was"
        + " \"orders\"", body().replaceFirst("\"kind\":\"[a-z]+\"", "\"kind\":\"orders\""));
  }

  /**
   * A timestamp that is no whole number is shown as written (a decimal's text, as the Jira
   * webhook's refusal shows it), not as a double reads it: 1e400 was "a number beyond a
   * double's range", 1e-400 was "0.0" and 1767258000000.0 "1.767258E12".
   */
  @Test
  void aTimestampThatIsNoWholeNumberIsShownAsWritten() {
    String must = "MALFORMED: timestamp must be epoch milliseconds (a whole number), was ";
    Map<String, String> shown = new LinkedHashMap<>();
    shown.put("1e400", "1E+400");
    shown.put("-1e400", "-1E+400");
    shown.put("1e-400", "1E-400");
    shown.put("-1.5e-999", "-1.5E-999");
    shown.put("1767258000000.0", "1767258000000.0");
    shown.put("1767258000000.50", "1767258000000.50");
    shown.put("1.767258E12", "1.767258E+12");
    shown.put("1e2147483648", "1e2147483648"); // (no decimal holds it: as written)
    shown.put("\"NaN\"", "\"NaN\"");
    shown.put("null", "null");
    String timestamp = "\"timestamp\":" + clock.millis();
    shown.forEach((bad, was) -> {
      EnvelopeRejectedException e = refused(Forge.signed(body().replace(timestamp,
          "\"timestamp\":" + bad)));
      assertEquals(must + was, e.getMessage(), bad);
    });
  }

  /** A timestamp JSON cannot hold, or too long to read, is refused naming it. */
  @Test
  void aTimestampTheParserRefusesIsNamed() {
    String timestamp = "\"timestamp\":" + clock.millis();
    EnvelopeRejectedException nan = refused(Forge.signed(body().replace(timestamp,
        "\"timestamp\":NaN")));
    assertEquals("MALFORMED: the body is not JSON: Non-standard token 'NaN' at $.timestamp",
        nan.getMessage());
    EnvelopeRejectedException huge = refused(Forge.signed(body().replace(timestamp,
        "\"timestamp\":-" + "9".repeat(400))));
    assertEquals("LIMIT: Number value length (400) exceeds the maximum allowed (100) at"
        + " $.timestamp, was -" + "9".repeat(39) + "...", huge.getMessage());
    EnvelopeRejectedException twice = refused(Forge.signed(body().replace(timestamp,
        timestamp + "," + timestamp)));
    assertEquals("MALFORMED: the body is not JSON: Duplicate field 'timestamp' at $.timestamp",
        twice.getMessage());
  }

  /**
   * Found in a review: a number beyond a double's range in a message's value ({@code 1e400}) was
   * read as Infinity and handed so to the field mapping (and encoded on as the text
   * {@code "Infinity"}), {@code 1e-400} as 0. The envelope is refused, naming the message's path
   * and the number as written, so nothing of it is taken; a number a double holds is read as
   * before, a double.
   */
  @Test
  void aMessagesNumberBeyondADoublesRangeIsRefusedAsWritten() throws Exception {
    String value = "\"value\":\"Printer on fire\"";
    String must = "MALFORMED: a message is malformed: malformed message \"PA:PA-1:1\" at"
        + " $.messages[0].fields.summary.value%s: must be a number within a double's range (Jira's number"
        + " fields hold doubles), was %s";
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put("1e400", String.format(must, "", "1E+400"));
    refused.put("-1e400", String.format(must, "", "-1E+400"));
    refused.put("1e-400", String.format(must, "", "1E-400"));
    refused.put("[2,{\"x\":1e999}]", String.format(must, "[1].x", "1E+999"));
    refused.put("1e2147483648", "MALFORMED: the body is not JSON: Number value 1e2147483648 is"
        + " beyond what a decimal holds (an exponent from -2147483647 to 2147483647) at"
        + " $.messages[0].fields.summary.value");
    refused.forEach((bad, why) -> assertEquals(why,
        refused(Forge.signed(body().replace(value, "\"value\":" + bad))).getMessage(), bad));

    var read = Envelopes.open(security, new ByteArrayInputStream(Forge.signed(
        body().replace(value, "\"value\":[1.5,1.7976931348623157e308,4.9e-324]"))));
    assertEquals("[1.5,1.7976931348623157E308,4.9E-324]",
        read.messages().get(0).fields().get("summary").value().toString());
    assertTrue(read.messages().get(0).fields().get("summary").value().get(0).isDouble());
  }

  /**
   * Found in a review: a message's refusal named its path within the message ("at
   * $.fields.summary.changedAt"), not which of the envelope's messages it was in; and a negative
   * time or epoch was taken. Each is refused naming the whole path in the envelope, as the
   * parser's own refusals do, so nothing of the envelope is taken.
   */
  @Test
  void aMessagesRefusalNamesItsPathInTheEnvelope() {
    MessageCodec codec = new MessageCodec();
    String two = Forge.body(Envelopes.seal(security, Envelopes.MESSAGES, "PA", "PB", List.of(
        codec.encode(EnvelopesTest.message("PA", "PB", 1)),
        codec.encode(EnvelopesTest.message("PA", "PB", 2))), List.of()));
    String second = "\"sequenceId\":2";
    String must = "MALFORMED: a message is malformed: malformed message \"PA:PA-1:2\" at"
        + " $.messages[1].";
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put("\"changedAt\":-1", must + "fields.summary.changedAt: must be 0 or more, was -1");
    refused.put("\"senderEpoch\":-7", must + "senderEpoch: must be 0 or more, was -7");
    refused.put("\"sequenceId\":-2", must + "sequenceId: must be at least 1, was -2");
    refused.put("\"value\":1e400", must + "fields.summary.value: must be a number within a"
        + " double's range (Jira's number fields hold doubles), was 1E+400");
    refused.forEach((bad, why) -> {
      int at = two.indexOf(second);
      String name = bad.substring(0, bad.indexOf(':') + 1);
      int from = name.equals("\"sequenceId\":") ? at : two.indexOf(name, at);
      int end = two.indexOf(',', from);
      String body = two.substring(0, from) + bad + two.substring(end);
      assertEquals(why, refused(Forge.signed(body)).getMessage(), bad);
    });
    String first = two.substring(two.indexOf("[{") + 1, two.indexOf("},{") + 1);
    assertEquals("MALFORMED: a message is malformed: message at $.messages[1] must be a JSON"
        + " object", refused(Forge.signed(two.replace("},{", "},null,{"))).getMessage());
    assertEquals("MALFORMED: a message is malformed: unsupported message formatVersion 8 at"
        + " $.messages[0] (messageId \"PA:PA-1:1\"); this version reads 1 to 7",
        refused(Forge.signed(two.replace(first, first.replace("\"formatVersion\":7",
            "\"formatVersion\":8")))).getMessage());
  }

  /**
   * Long.MIN_VALUE + now wrapped, subtracted from now, to Long.MIN_VALUE, whose negation is
   * itself: the envelope opened as if sealed this moment (and its id was remembered only until
   * a time long past, so it could be replayed).
   */
  @Test
  void aTimestampFarBeforeLongsRangeIsStaleNotTakenForNow() {
    for (long bad : new long[] {Long.MIN_VALUE + clock.millis(), Long.MIN_VALUE,
        Long.MIN_VALUE + clock.millis() + 1}) {
      EnvelopeRejectedException e = refused(Forge.signed(body().replace("\"timestamp\":"
          + clock.millis(), "\"timestamp\":" + bad)));
      assertEquals(Reason.STALE, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains(" s before this side's clock"), e.getMessage());
    }
  }

  @Test
  void connectorsThatAreNotTextAreRefused() {
    assertRefused(Reason.MALFORMED, "from must be a string that is not empty, was {\"PA\":1}",
        body().replace("\"from\":\"PA\"", "\"from\":{\"PA\":1}"));
  }

  @Test
  void anEnvelopeIdThatCannotBeRememberedIsRefused() {
    String body = body();
    String id = body.replaceAll(".*\"envelopeId\":\"([^\"]+)\".*", "$1");
    assertRefused(Reason.MALFORMED, "is not 1 to 100 letters",
        body.replace(id, "x".repeat(101)));
    assertRefused(Reason.MALFORMED, "is not 1 to 100 letters",
        body.replace(id, "../../etc/passwd"));
    assertRefused(Reason.MALFORMED, "is not 1 to 100 letters",
        body.replace(id, "a\\u0000b"));
  }

  @Test
  void anAcknowledgedIdThatIsNotTextIsRefused() {
    String acks = Forge.body(Envelopes.seal(security, Envelopes.ACKS, "PA", "PB", List.of(),
        List.of("m-1")));
    assertRefused(Reason.MALFORMED, "an acknowledged id is not text",
        acks.replace("[\"m-1\"]", "[{\"id\":\"m-1\"}]"));
  }

  /**
   * Found by a sweep: these refusals named neither the value nor, for an acknowledged id, which
   * one; each names both now.
   */
  @Test
  void aShapeRefusalNamesTheValue() {
    String acks = Forge.body(Envelopes.seal(security, Envelopes.ACKS, "PA", "PB", List.of(),
        List.of("m-1", "m-2")));
    assertEquals("MALFORMED: an acknowledged id is not text at $.acked[1], was {\"id\":\"m-2\"}",
        refused(Forge.signed(acks.replace("\"m-2\"", "{\"id\":\"m-2\"}"))).getMessage());
    assertEquals("MALFORMED: no acked array, was \"m-1\"", refused(Forge.signed(acks.replace(
        "[\"m-1\",\"m-2\"]", "\"m-1\""))).getMessage());
    assertEquals("MALFORMED: no messages array, was missing", refused(Forge.signed(body()
        .replaceFirst(",\"messages\":\\[.*\\]\\}$", "}"))).getMessage());
    assertEquals("MALFORMED: not a version 1 backbone envelope (format \"backbone-envelope\","
        + " version 18446744073709551617)", refused(Forge.signed(body().replace("\"version\":1",
            "\"version\":18446744073709551617"))).getMessage());
    assertEquals("MALFORMED: not a version 1 backbone envelope (format 7, version missing)",
        refused(Forge.signed(body().replace("\"version\":1,", "").replace(
            "\"format\":\"backbone-envelope\"", "\"format\":7"))).getMessage());
    assertEquals("MALFORMED: not a version 1 backbone envelope (not an object: [])",
        refused(Forge.signed("[]")).getMessage());
  }

  @Test
  void nestingDeeperThanTheLimitIsRefusedWithoutAStackOverflow() {
    assertRefused(Reason.LIMIT, "nesting depth",
        body().replace("\"Printer on fire\"", "[".repeat(65) + "]".repeat(65)));
    assertRefused(Reason.LIMIT, "nesting depth",
        body().replace("\"Printer on fire\"", "[".repeat(60_000)));
  }

  @Test
  void anEnvelopeFromTooFarAheadIsRefused() {
    ManualClock senderClock = ManualClock.startingAt2026();
    senderClock.advance(Duration.ofMinutes(11)); // the sender's clock is 11 minutes ahead
    EnvelopeSecurity sender = EnvelopeSecurity.builder("pa-pb").key("k1", EnvelopesTest.SECRET)
        .clock(senderClock).build();
    EnvelopeRejectedException e = refused(Envelopes.seal(sender, Envelopes.MESSAGES, "PA", "PB",
        List.of(), List.of()));
    assertEquals(Reason.STALE, e.reason());
    assertTrue(e.getMessage().contains("660 s ahead of this side's clock"), e.getMessage());
  }

  @Test
  void aHeaderLineWithoutEndOrTooLongIsRefused() {
    assertEquals(Reason.MALFORMED, refused("BACKBONE-ENVELOPE/1 k1 abc".getBytes(
        StandardCharsets.US_ASCII)).reason());
    assertEquals(Reason.MALFORMED, refused(("BACKBONE-ENVELOPE/1 k1 " + "a".repeat(10_000)
        + "\n{}").getBytes(StandardCharsets.US_ASCII)).reason());
  }

  @Test
  void everyCutOfAnEnvelopeIsRefused() {
    byte[] whole = Forge.signed(body());
    for (int length = 0; length < whole.length; length++) {
      byte[] cut = java.util.Arrays.copyOf(whole, length);
      assertThrows(EnvelopeRejectedException.class,
          () -> Envelopes.open(security, new ByteArrayInputStream(cut)), "cut at " + length);
    }
  }

  @Test
  void whatARefusalRepeatsOfTheInputIsCutAndPrintable() {
    EnvelopeRejectedException e = refused(Forge.signed(body().replaceFirst("\\{",
        "{\"\\u001b[31m" + "x".repeat(5000) + "\":1,")));
    assertTrue(e.getMessage().length() < 300, e.getMessage());
    assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7f), e.getMessage());
  }
}
