package org.backbonesync.spi.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The message codec against its floor: a plain Jackson round trip (serialize a tree, parse it
 * back) of the same bytes. A representative message: one issue, five changed fields, about
 * 0.7 KB of JSON. Report {@code codecRoundTrip / jacksonTreeRoundTrip} as the codec's ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MessageCodecBenchmark {
  private final MessageCodec codec = new MessageCodec();
  private final ObjectMapper mapper = new ObjectMapper();
  private SyncMessage message;
  private byte[] bytes;
  private JsonNode tree;

  @Setup
  public void setUp() throws Exception {
    JsonNodeFactory json = JsonNodeFactory.instance;
    Map<String, FieldValue> fields = new LinkedHashMap<>();
    fields.put("5f513c5e-49ca-4d26-856f-8fce2d7597e8",
        new FieldValue(json.textNode("Printer on fire on the third floor"), 1767258000000L, "alice"));
    fields.put("468e9b09-e09d-4d90-ad6a-aa18dc336b4d", new FieldValue(json.textNode(
        "The printer next to the kitchen started to smoke after a long print job. "
            + "Facilities was called; please order a replacement fuser unit."),
        1767258001000L, "alice"));
    fields.put("0b1a3a6e-8f7e-4a4c-9d0e-3c1f2a7b9e11",
        new FieldValue(json.textNode("High"), 1767258002000L, "bob"));
    fields.put("7d2c4e5f-1a2b-4c3d-8e9f-0a1b2c3d4e5f", new FieldValue(
        json.arrayNode().add("hardware").add("facilities").add("urgent"), 1767258003000L, "bob"));
    fields.put("9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b",
        new FieldValue(json.textNode("5b10ac8d82e05b22cc7d4ef5"), 1767258004000L, "alice"));
    message = SyncMessage.builder().messageId("CON-1-PA:PA-1234:98765:17")
        .synchronizationId("sync-pa-pb").fromConnector("CON-1-PA").toConnector("CON-2-PB")
        .sourceIssueKey("PA-1234").partnerIssueKey("PB-4321").sequenceId(17)
        .kind(MessageKind.CHANGE).issueType("Task").createdAt(1767258005000L).fields(fields)
        .build();
    bytes = codec.encode(message);
    tree = mapper.readTree(bytes);
  }

  /** The floor: Jackson writes a tree of the same message and parses the bytes back. */
  @Benchmark
  public JsonNode jacksonTreeRoundTrip() throws Exception {
    return mapper.readTree(mapper.writeValueAsBytes(tree));
  }

  /** The codec: encodes the message record and decodes it, checking its format version. */
  @Benchmark
  public SyncMessage codecRoundTrip() {
    return codec.decode(codec.encode(message));
  }

  /** The size of the representative message, for the README. */
  public static void main(String[] args) throws Exception {
    MessageCodecBenchmark b = new MessageCodecBenchmark();
    b.setUp();
    System.out.println("message size: " + b.bytes.length + " bytes");
  }
}
