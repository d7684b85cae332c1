package org.backbonesync.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.testkit.ManualClock;

/**
 * Properties of the envelope parser over random messages and random damage. Every build runs 200
 * tries per property (a few seconds); {@code -Djqwik.tries.default=100000} runs long.
 */
class EnvelopesPropertiesTest {
  private final ManualClock clock = ManualClock.startingAt2026();
  private final EnvelopeSecurity security = EnvelopeSecurity.builder("pa-pb")
      .key("k1", EnvelopesTest.SECRET).clock(clock).maxEnvelopeBytes(16 * 1024)
      .maxMessages(50).build();
  private final MessageCodec codec = new MessageCodec();

  @Provide
  Arbitrary<List<SyncMessage>> messages() {
    Arbitrary<SyncMessage> one = Arbitraries.strings().all().ofMaxLength(3000)
        .flatMap(summary -> Arbitraries.longs().between(1, Long.MAX_VALUE).map(seq ->
            SyncMessage.builder().messageId("PA:PA-1:" + seq).synchronizationId("pa-pb")
                .fromConnector("PA").toConnector("PB").sourceIssueKey("PA-1").sequenceId(seq)
                .kind(MessageKind.CHANGE).issueType("Task").createdAt(1)
                .fields(Map.of("summary", new FieldValue(TextNode.valueOf(summary), 1, "alice")))
                .build()));
    return one.list().ofMaxSize(120);
  }

  /**
   * Whatever the messages, the sender's split makes envelopes that the receiver opens (none too
   * large, none with too many messages), in order, and those it leaves out are the ones too
   * large alone.
   */
  @Property
  void splitEnvelopesOpenWithEveryMessageInOrder(@ForAll("messages") List<SyncMessage> messages)
      throws Exception {
    Envelopes.Split split = Envelopes.split(security, "PA", "PB", messages, 50);
    List<SyncMessage> opened = new ArrayList<>();
    for (List<byte[]> batch : split.encoded()) {
      byte[] sealed = Envelopes.seal(security, Envelopes.MESSAGES, "PA", "PB", batch, List.of());
      opened.addAll(Envelopes.open(security, new ByteArrayInputStream(sealed)).messages());
    }
    List<SyncMessage> expected = new ArrayList<>(messages);
    expected.removeAll(split.tooLarge().keySet());
    assertEquals(expected, opened);
    split.tooLarge().forEach((m, bytes) ->
        assertTrue(bytes > security.maxEnvelopeBytes() && codec.encode(m).length
            > security.maxEnvelopeBytes() - 400, m.messageId()));
  }

  /** A damaged envelope, unsigned again, is always refused: nothing in it is used. */
  @Property
  void damagedBytesAreAlwaysRefused(@ForAll("messages") List<SyncMessage> messages,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int at,
      @ForAll @IntRange(min = 1, max = 255) int flip) {
    List<byte[]> encoded = messages.stream().limit(3).map(codec::encode)
        .filter(b -> b.length < 4000).toList();
    byte[] sealed = Envelopes.seal(security, Envelopes.MESSAGES, "PA", "PB", encoded, List.of());
    sealed[Math.floorMod(at, sealed.length)] ^= (byte) flip;
    try {
      Envelopes.open(security, new ByteArrayInputStream(sealed));
    } catch (EnvelopeRejectedException refused) {
      return;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("a damaged envelope was opened");
  }

  /**
   * A damaged body signed again (a partner with the secret and a bug) is refused with an
   * EnvelopeRejectedException or opened whole: never another exception.
   */
  @Property
  void damagedButSignedBodiesAreRefusedOrOpenedWhole(
      @ForAll("messages") List<SyncMessage> messages,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int at,
      @ForAll("jsonBytes") byte replacement) throws Exception {
    List<byte[]> encoded = messages.stream().limit(3).map(codec::encode)
        .filter(b -> b.length < 4000).toList();
    byte[] body = Forge.body(Envelopes.seal(security, Envelopes.MESSAGES, "PA", "PB", encoded,
        List.of())).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    body[Math.floorMod(at, body.length)] = replacement;
    Envelopes.Opened opened;
    try {
      opened = Envelopes.open(security, new ByteArrayInputStream(Forge.signed(body)));
    } catch (EnvelopeRejectedException refused) {
      assertTrue(refused.getMessage().length() < 1000, refused.getMessage());
      return;
    }
    for (SyncMessage m : opened.messages()) {
      assertEquals(m, codec.decode(codec.encode(m)));
    }
  }

  @Provide
  Arbitrary<Byte> jsonBytes() {
    return Arbitraries.of((byte) '{', (byte) '}', (byte) '[', (byte) ']', (byte) '"', (byte) ',',
        (byte) ':', (byte) '\\', (byte) '1', (byte) '-', (byte) 'e', (byte) ' ', (byte) 0,
        (byte) 0xff, (byte) 'x');
  }
}
