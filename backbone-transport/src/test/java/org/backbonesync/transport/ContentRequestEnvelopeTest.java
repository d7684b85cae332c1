package org.backbonesync.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /**
   * Found by a sweep: a request's id, size, hash or offset out of shape was refused as "attachment
   * id (1 to 1000 characters), size, sha256 (64 hex digits) or offset missing or not of their
   * type", naming neither which nor its value. Each is named with its value now.
   */
  @Test
  void aRequestOutOfShapeIsRefusedNamingThePropertyAndItsValue() {
    String id = "\"id\":\"1\"";
    String size = "\"size\":10";
    String sha = "\"sha256\":\"" + SHA + "\"";
    String offset = "\"offset\":0";
    String good = "{" + id + "," + size + "," + sha + "," + offset + "}";
    String must = "MALFORMED: attachment.";
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put(good.replace(size, "\"size\":1.5"), must + "size must be a whole number of bytes"
        + " from 0, was 1.5");
    refused.put(good.replace(size, "\"size\":1e400"), must + "size must be a whole number of"
        + " bytes from 0, was 1E+400");
    refused.put(good.replace(size, "\"size\":-1"), must + "size must be a whole number of bytes"
        + " from 0, was -1");
    refused.put(good.replace("," + offset, ""), must + "offset must be a whole number of bytes"
        + " from 0 to the size, 10, was missing");
    refused.put(good.replace(offset, "\"offset\":11"), must + "offset must be a whole number of"
        + " bytes from 0 to the size, 10, was 11");
    refused.put(good.replace(offset, "\"offset\":\"0\""), must + "offset must be a whole number"
        + " of bytes from 0 to the size, 10, was \"0\"");
    refused.put(good.replace(sha, "\"sha256\":\"not-a-hash\""), must + "sha256 must be 64"
        + " lower-case hex digits, was \"not-a-hash\"");
    refused.put(good.replace(id, "\"id\":1"), must + "id must be a text of 1 to 1000"
        + " characters, was 1");
    refused.put(good.replace(id, "\"id\":\"\""), must + "id must be a text of 1 to 1000"
        + " characters, was \"\"");
    refused.put(good.replace(id, "\"id\":\"" + "x".repeat(1001) + "\""), must + "id must be a"
        + " text of 1 to 1000 characters, was \"" + "x".repeat(79) + "...");
    refused.put("[]", "MALFORMED: no attachment object, was []");
    refused.forEach((attachment, why) -> assertEquals(why, assertThrows(
        EnvelopeRejectedException.class, () -> open(Forge.signed(body(attachment))))
        .getMessage(), attachment));
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
