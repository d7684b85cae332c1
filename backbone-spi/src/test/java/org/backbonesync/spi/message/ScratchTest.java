package org.backbonesync.spi.message;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;

class ScratchTest {
  @Test
  void show() throws Exception {
    MessageCodec codec = new MessageCodec();
    SyncMessage m = SyncMessage.builder().messageId("PA:PA-1:1:1").synchronizationId("sync")
        .fromConnector("PA").toConnector("PB").sourceIssueKey("PA-1").sequenceId(5)
        .kind(MessageKind.CHANGE).issueType("Task").createdAt(1000).senderEpoch(7).receiverEpoch(3).partnerSince(2).seenSequenceId(4)
        .fields(Map.of("map-summary", new FieldValue(JsonNodeFactory.instance.textNode("P"), 1, "alice"))).build();
    String json = new String(codec.encode(m), StandardCharsets.UTF_8);
    String[][] cases = {{"\"changedAt\":1", "\"changedAt\":9223372036854775808"},
      {"\"changedAt\":1", "\"changedAt\":-9223372036854775809"},
      {"\"senderEpoch\":7", "\"senderEpoch\":1e3"},
      {"\"senderEpoch\":7", "\"senderEpoch\":-0"},
      {"\"createdAt\":1000", "\"createdAt\":-0.0"},
      {"\"map-summary\"", "\"\""},
      {"\"fields\":{", "\"fields\":{\"x\":{\"value\":1,\"changedAt\":-5,\"changedBy\":\"a\",\"changedBy\":\"b\"},"},
      {"\"content\":{}", "\"content\":{\"c\":[{\"op\":\"add\",\"n\":1e-400}]}"},
      {"\"content\":{}", "\"content\":{\"c\":[{\"op\":\"add\",\"n\":-1}]}"},
      {"\"changedBy\":\"alice\"", "\"changedBy\":null"},
      {"\"formatVersion\":7", "\"formatVersion\":7.0"},
      {"\"formatVersion\":7", "\"formatVersion\":1e400"},
      {"\"formatVersion\":7", "\"formatVersion\":1e-400"},
      {"\"formatVersion\":7", "\"formatVersion\":7e0"},
      {"\"formatVersion\":7", "\"formatVersion\":4294967303"},
      {"\"kind\":\"CHANGE\"", "\"kind\":\"change\""},
      {"\"kind\":\"CHANGE\"", "\"kind\":\"CHANGE\\u0000\""},
      {"\"issueType\":\"Task\"", "\"issueType\":{}"},
    };
    for (String[] c : cases) {
      try {
        SyncMessage d = codec.decode(json.replace(c[0], c[1]).getBytes(StandardCharsets.UTF_8));
        System.out.println("ACCEPTED " + c[1] + " -> " + d);
      } catch (Exception e) {
        System.out.println("REFUSED " + c[1] + " -> " + e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
  }
}
