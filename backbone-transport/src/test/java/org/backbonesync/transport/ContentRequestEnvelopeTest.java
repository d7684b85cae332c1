package org.backbonesync.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.List;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;
import org.junit.jupiter.api.Test;

/**
 * The content request a fetching side signs: it opens to what was asked for, and a request
 * signed correctly but out of shape is refused before anything is served.
 */
class ContentRequestEnvelopeTest {
  private static final String SHA = "ab".repeat(32);
  private final ManualClock clock = ManualClock.startingAt2026();
  private final EnvelopeSecurity security = EnvelopeSecurity.builder("pa-pb")
      .key("k1", EnvelopesTest.SECRET).clock(clock).build();

  private Envelopes.Opened open(byte[] sealed) throws Exception {
    return Envelopes.open(security, new ByteArrayInputStream(sealed));
  }

  /** A content request body with the given attachment object. */
  private String body(String attachment) {
    return "{\"format\":\"backbone-envelope\",\"version\":1,\"kind\":\"content\",\"envelopeId\":"
        + "\"e1\",\"synchronizationId\":\"pa-pb\",\"from\":\"PB\",\"to\":\"PA\",\"timestamp\":"
        + clock.millis() + ",\"attachment\":" + attachment + "}";
  }

  @Test
  void aRequestOpensToTheAttachmentAndOffsetAskedFor() throws Exception {
    Envelopes.Opened opened = open(Envelopes.sealContent(security, "PB", "PA",
        new Envelopes.Requested("10042", 5000, SHA, 1200)));

    assertEquals(Envelopes.CONTENT, opened.kind());
    assertEquals(new Envelopes.Requested("10042", 5000, SHA, 1200), opened.attachment());
    assertEquals(List.of(), opened.messages());
  }

  @Test
  void requestsOutOfShapeAreRefusedThoughSignedCorrectly() {
    for (String attachment : List.of(
        "{\"id\":\"1\",\"size\":10,\"sha256\":\"" + SHA + "\",\"offset\":11}",
        "{\"id\":\"1\",\"size\":-1,\"sha256\":\"" + SHA + "\",\"offset\":0}",
        "{\"id\":\"1\",\"size\":10,\"sha256\":\"not-a-hash\",\"offset\":0}",
        "{\"id\":\"\",\"size\":10,\"sha256\":\"" + SHA + "\",\"offset\":0}",
        "{\"id\":\"" + "x".repeat(1001) + "\",\"size\":10,\"sha256\":\"" + SHA
            + "\",\"offset\":0}",
        "{\"id\":\"1\",\"size\":10,\"sha256\":\"" + SHA + "\",\"offset\":0,\"path\":\"/etc\"}",
        "{\"id\":1,\"size\":10,\"sha256\":\"" + SHA + "\",\"offset\":0}",
        "[]")) {
      EnvelopeRejectedException e = assertThrows(EnvelopeRejectedException.class,
          () -> open(Forge.signed(body(attachment))), attachment);
      assertEquals(Reason.MALFORMED, e.reason(), attachment);
    }
  }

  @Test
  void anEnvelopeOfMessagesCannotCarryAnAttachmentNorARequestMessages() {
    String messages = "{\"format\":\"backbone-envelope\",\"version\":1,\"kind\":\"messages\","
        + "\"envelopeId\":\"e2\",\"synchronizationId\":\"pa-pb\",\"from\":\"PB\",\"to\":\"PA\","
        + "\"timestamp\":" + clock.millis() + ",\"messages\":[],\"attachment\":{}}";
    assertEquals(Reason.MALFORMED, assertThrows(EnvelopeRejectedException.class,
        () -> open(Forge.signed(messages))).reason());
    String request = body("{\"id\":\"1\",\"size\":10,\"sha256\":\"" + SHA
        + "\",\"offset\":0}").replace("}}", "},\"messages\":[]}");
    EnvelopeRejectedException e = assertThrows(EnvelopeRejectedException.class,
        () -> open(Forge.signed(request)));
    assertTrue(e.getMessage().contains("with messages"), e.getMessage());
  }
}
