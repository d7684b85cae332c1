package org.backbonesync.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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
    assertRefused(Reason.MALFORMED, must + "1.7672580000005E12", // (as JSON parsing reads it)
        body().replace(timestamp, "\"timestamp\":" + clock.millis() + ".5"));
    assertRefused(Reason.MALFORMED, must + "18446744073709551621",
        body().replace(timestamp, "\"timestamp\":18446744073709551621"));
    assertRefused(Reason.MALFORMED, must + "a number beyond a double's range",
        body().replace(timestamp, "\"timestamp\":1e400"));
    assertRefused(Reason.MALFORMED, "from must be a string that is not empty, was 7",
        body().replace("\"from\":\"PA\"", "\"from\":7"));
    assertRefused(Reason.MALFORMED, "kind must be \"messages\", \"acks\" or \"content\", was"
        + " \"orders\"", body().replaceFirst("\"kind\":\"[a-z]+\"", "\"kind\":\"orders\""));
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
