package org.backbonesync.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;
import org.junit.jupiter.api.Test;

/** Sealed envelopes open only when everything checks, and fail with a clear reason otherwise. */
class EnvelopesTest {
  static final byte[] SECRET = "0123456789abcdef0123456789abcdef-secret".getBytes(
      StandardCharsets.UTF_8);
  private final ManualClock clock = ManualClock.startingAt2026();
  private final EnvelopeSecurity security = EnvelopeSecurity.builder("pa-pb")
      .key("k1", SECRET).clock(clock).maxEnvelopeBytes(64 * 1024).build();

  static SyncMessage message(String from, String to, long seq) {
    return SyncMessage.builder().messageId(from + ":" + from + "-1:" + seq)
        .synchronizationId("pa-pb").fromConnector(from).toConnector(to).sourceIssueKey(from + "-1")
        .sequenceId(seq).kind(MessageKind.CHANGE).issueType("Task").createdAt(1767258000000L)
        .fields(Map.of("summary", new FieldValue(
            com.fasterxml.jackson.databind.node.TextNode.valueOf("Printer on fire"), 1, "alice")))
        .build();
  }

  private byte[] sealed(SyncMessage... messages) {
    return Envelopes.seal(security, Envelopes.MESSAGES, "PA", "PB",
        Arrays.stream(messages).map(m -> new MessageCodec().encode(m)).toList(), List.of());
  }

  private Reason refusal(EnvelopeSecurity with, byte[] bytes) {
    return assertThrows(EnvelopeRejectedException.class,
        () -> Envelopes.open(with, new ByteArrayInputStream(bytes))).reason();
  }

  @Test
  void aSealedEnvelopeOpensWithItsMessages() throws Exception {
    SyncMessage m = message("PA", "PB", 1);

    Envelopes.Opened opened = Envelopes.open(security, new ByteArrayInputStream(sealed(m)));

    assertEquals(List.of(m), opened.messages());
    assertEquals("PA", opened.from());
    assertEquals("PB", opened.to());
    assertEquals(clock.millis(), opened.timestamp());
  }

  @Test
  void oneAlteredByteBreaksTheSignature() {
    byte[] bytes = sealed(message("PA", "PB", 1));
    String text = new String(bytes, StandardCharsets.UTF_8).replace("Printer on fire",
        "Printer on FIRE");

    assertEquals(Reason.BAD_SIGNATURE, refusal(security, text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A 32-byte signature in unpadded base64url leaves two spare bits in its last character; a
   * lenient decoder reads four spellings as the same bytes. Only the one the sender wrote opens.
   */
  @Test
  void anotherSpellingOfTheSameSignatureIsRefused() {
    byte[] bytes = sealed(message("PA", "PB", 1));
    int end = new String(bytes, StandardCharsets.US_ASCII).indexOf('\n') - 1;
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int value = alphabet.indexOf(bytes[end]);
    bytes[end] = (byte) alphabet.charAt(value ^ 1);

    assertEquals(Reason.BAD_SIGNATURE, refusal(security, bytes));
  }

  @Test
  void anotherSecretUnderTheSameKeyIdOrAnUnknownKeyIsRefused() {
    EnvelopeSecurity other = EnvelopeSecurity.builder("pa-pb")
        .key("k1", "another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8))
        .clock(clock).build();
    EnvelopeSecurity rotated = EnvelopeSecurity.builder("pa-pb")
        .key("k2", "another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8))
        .clock(clock).build();
    byte[] bytes = sealed(message("PA", "PB", 1));

    assertEquals(Reason.BAD_SIGNATURE, refusal(other, bytes));
    assertEquals(Reason.UNKNOWN_KEY, refusal(rotated, bytes));
  }

  @Test
  void aKeyIsRotatedByAcceptingBothBeforeSigningWithTheNewOne() throws Exception {
    EnvelopeSecurity both = EnvelopeSecurity.builder("pa-pb")
        .key("k2", "the-new-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8))
        .key("k1", SECRET).clock(clock).build();

    assertEquals(1, Envelopes.open(both, new ByteArrayInputStream(
        sealed(message("PA", "PB", 1)))).messages().size(), "old senders still accepted");
  }

  @Test
  void anEnvelopeOfAnotherSynchronizationIsRefused() {
    EnvelopeSecurity elsewhere = EnvelopeSecurity.builder("pa-pc").key("k1", SECRET)
        .clock(clock).build();
    byte[] bytes = Envelopes.seal(elsewhere, Envelopes.MESSAGES, "PA", "PB", List.of(),
        List.of());

    EnvelopeRejectedException e = assertThrows(EnvelopeRejectedException.class,
        () -> Envelopes.open(security, new ByteArrayInputStream(bytes)));
    assertEquals(Reason.WRONG_SYNCHRONIZATION, e.reason());
    assertEquals("WRONG_SYNCHRONIZATION: for synchronization \"pa-pc\", this is \"pa-pb\"",
        e.getMessage());
  }

  @Test
  void aReplayOutsideTheWindowIsRefused() {
    byte[] bytes = sealed(message("PA", "PB", 1));
    clock.advance(Duration.ofMinutes(11));

    assertEquals(Reason.STALE, refusal(security, bytes));
  }

  @Test
  void aMessageInsideThatIsNotBetweenTheEnvelopesConnectorsIsRefused() {
    assertEquals(Reason.NOT_PARTNER, refusal(security, sealed(message("PC", "PB", 1))));
  }

  @Test
  void aHundredMegabyteBodyIsRefusedAfterReadingOnlyTheLimit() {
    byte[] header = ("BACKBONE-ENVELOPE/1 k1 AAAA\n").getBytes(StandardCharsets.US_ASCII);
    long[] read = {0};
    InputStream hostile = new InputStream() {
      private final long size = header.length + 100L * 1024 * 1024;

      @Override
      public int read() {
        if (read[0] >= size) {
          return -1;
        }
        return read[0] < header.length ? header[(int) read[0]++] : (read[0]++ % 2 == 0 ? '[' : ' ');
      }

      @Override
      public int read(byte[] b, int off, int len) {
        int n = 0;
        while (n < len) {
          int c = read();
          if (c < 0) {
            return n == 0 ? -1 : n;
          }
          b[off + n++] = (byte) c;
        }
        return n;
      }
    };

    EnvelopeRejectedException e = assertThrows(EnvelopeRejectedException.class,
        () -> Envelopes.open(security, hostile));

    assertEquals(Reason.TOO_LARGE, e.reason());
    assertTrue(read[0] <= header.length + 64 * 1024 + 1, "read " + read[0] + " bytes");
  }

  @Test
  void aDeeplyNestedBodyIsRefusedUnsignedAndSigned() {
    String nested = "[".repeat(5000) + "]".repeat(5000);
    byte[] unsigned = ("BACKBONE-ENVELOPE/1 k1 AAAA\n" + nested).getBytes(StandardCharsets.UTF_8);
    assertEquals(Reason.BAD_SIGNATURE, refusal(security, unsigned), "never parsed");

    // a partner holding the key (or its bug) sends it: the parser stops at the nesting limit
    byte[] body = nested.getBytes(StandardCharsets.UTF_8);
    String sig = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        macOf(body));
    byte[] signed = ("BACKBONE-ENVELOPE/1 k1 " + sig + "\n" + nested)
        .getBytes(StandardCharsets.UTF_8);
    EnvelopeRejectedException e = assertThrows(EnvelopeRejectedException.class,
        () -> Envelopes.open(security, new ByteArrayInputStream(signed)));
    assertEquals(Reason.LIMIT, e.reason());
    assertTrue(e.getMessage().contains("64"), e.getMessage());
  }

  private static byte[] macOf(byte[] body) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(SECRET, "HmacSHA256"));
      mac.update("BACKBONE-ENVELOPE/1\nk1\n".getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void tooManyMessagesInOneEnvelopeAreRefused() {
    EnvelopeSecurity small = EnvelopeSecurity.builder("pa-pb").key("k1", SECRET).clock(clock)
        .maxMessages(2).build();
    byte[] bytes = Envelopes.seal(small, Envelopes.MESSAGES, "PA", "PB", List.of(
        new MessageCodec().encode(message("PA", "PB", 1)),
        new MessageCodec().encode(message("PA", "PB", 2)),
        new MessageCodec().encode(message("PA", "PB", 3))), List.of());

    assertEquals(Reason.LIMIT, refusal(small, bytes));
  }

  @Test
  void secretsAppearNowhere() {
    String secret = new String(SECRET, StandardCharsets.UTF_8);
    assertFalse(security.toString().contains(secret));
    assertEquals("EnvelopeSecurity[pa-pb, keys [k1], signing with k1]", security.toString());
    IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
        () -> EnvelopeSecurity.builder("pa-pb").key("k1", "too short".getBytes(
            StandardCharsets.UTF_8)));
    assertFalse(shortKey.getMessage().contains("too short"));
    // a key id is shown escaped: one with a line break wrote a line of its own (helper-129)
    assertEquals("keyId must be 1 to 64 letters, digits, '.', '_' or '-', was \"k1?ERROR x\"",
        assertThrows(IllegalArgumentException.class, () -> EnvelopeSecurity.builder("pa-pb")
            .key("k1\nERROR x", SECRET)).getMessage());
  }
}
