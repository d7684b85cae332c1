package org.backbonesync.transport;

import static org.backbonesync.transport.AttachmentFiles.downloaded;
import static org.backbonesync.transport.AttachmentFiles.randomBytes;
import static org.backbonesync.transport.AttachmentFiles.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.transport.AttachmentContent.Announced;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attachments between two engines in one JVM that share nothing but two pairs of folders: the
 * files travel beside their envelope, and the test moves them as a file transfer would, the
 * attachment folder before the envelope.
 */
class FileDropAttachmentContentTest {
  @TempDir Path root;
  private final TwoSites sites = new TwoSites();
  private final ManualClock clock = sites.clock;
  private final EnvelopeSecurity security = sites.security().build();
  private final InMemoryIssueTracker pa = sites.pa;
  private final InMemoryIssueTracker pb = sites.pb;
  private final SyncConfiguration configuration = AttachmentFiles.CONFIGURATION;
  private Path aOut;
  private Path aIn;
  private Path bOut;
  private Path bIn;
  private FileDropTransport dropA;
  private FileDropTransport dropB;
  private SyncEngine engineA;
  private SyncEngine engineB;

  private void wire(long maxAttachmentBytesAtB) {
    aOut = root.resolve("a/out");
    aIn = root.resolve("a/in");
    bOut = root.resolve("b/out");
    bIn = root.resolve("b/in");
    dropA = FileDropTransport.builder(aOut, aIn, security, "PA", "PB")
        .envelopeIds(sites.storesA.envelopeIds()).attachments(pa).build();
    dropB = FileDropTransport.builder(bOut, bIn, security, "PB", "PA")
        .envelopeIds(sites.storesB.envelopeIds()).attachments(pb)
        .maxAttachmentBytes(maxAttachmentBytesAtB).build();
    engineA = SyncEngine.builder().configuration(configuration).tracker("PA", pa)
        .transport("PA", dropA).stores(sites.storesA).clock(clock)
        .retryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(20)).build();
    engineB = SyncEngine.builder().configuration(configuration).tracker("PB", pb)
        .transport("PB", dropB).stores(sites.storesB).clock(clock)
        .retryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(20)).build();
  }

  /** The file transfer: attachment folders first, then the envelopes (no temporary ones). */
  private static void transfer(Path from, Path to) throws IOException {
    for (String suffix : List.of(".env.att", ".env")) {
      try (Stream<Path> files = Files.list(from)) {
        for (Path f : files.filter(p -> p.getFileName().toString().endsWith(suffix)
            && !p.getFileName().toString().startsWith(".tmp-")).toList()) {
          Files.move(f, to.resolve(f.getFileName()));
        }
      }
    }
  }

  private void rounds(int count) throws IOException {
    for (int i = 0; i < count; i++) {
      clock.advance(Duration.ofSeconds(30));
      dropA.receive(engineA.receiver("PA"));
      engineA.runOnce();
      transfer(aOut, bIn);
      dropB.receive(engineB.receiver("PB"));
      engineB.runOnce();
      transfer(bOut, aIn);
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private String pairedIssue() throws IOException {
    String pa1 = pa.as("alice").create("Printer on fire");
    rounds(4);
    assertEquals(1, pb.allIssues().size());
    return pa1;
  }

  @Test
  void aFileAttachedOnEitherSideTravelsBesideItsEnvelope() throws Exception {
    wire(1L << 30);
    String pa1 = pairedIssue();
    byte[] smoke = randomBytes(300_000, 1);
    pa.as("alice").upload(pa1, "smoke.bin", "application/octet-stream",
        new ByteArrayInputStream(smoke));
    rounds(4);

    List<Attachment> atB = pb.attachments("PB-1");
    assertEquals(1, atB.size());
    assertArrayEquals(smoke, downloaded(pb, atB.get(0)));
    assertTrue(names(bIn).stream().noneMatch(n -> n.endsWith(".att") || n.endsWith(".env")),
        "envelopes and their attachment folders are gone once taken: " + names(bIn));

    byte[] photo = randomBytes(70_000, 2);
    pb.as("bob").upload("PB-1", "photo.jpg", "image/jpeg", new ByteArrayInputStream(photo));
    rounds(4);
    assertEquals(2, pa.attachments(pa1).size(), "no echo of smoke.bin, and photo.jpg");
    assertArrayEquals(photo, downloaded(pa, pa.attachments(pa1).stream()
        .filter(a -> a.filename().equals("photo.jpg")).findFirst().orElseThrow()));
  }

  @Test
  void aFileLargerThanTheReceiverAcceptsIsRefusedAndItsMessageWaits() throws Exception {
    wire(100_000);
    String pa1 = pairedIssue();
    pa.as("alice").upload(pa1, "huge.bin", "application/octet-stream",
        new ByteArrayInputStream(randomBytes(100_001, 3)));
    rounds(4);

    assertEquals(List.of(), pb.attachments("PB-1"));
    assertEquals(1, engineB.failedMessages("PB").size());
    assertTrue(engineB.failedMessages("PB").get(0).toString().contains("TOO_LARGE"),
        engineB.failedMessages("PB").get(0).toString());
  }

  @Test
  void aFileAlteredInTransitIsNotAttachedAndItsMessageWaitsForTheRightOne() throws Exception {
    wire(1L << 30);
    String pa1 = pairedIssue();
    byte[] smoke = randomBytes(50_000, 4);
    pa.as("alice").upload(pa1, "smoke.bin", "application/octet-stream",
        new ByteArrayInputStream(smoke));
    clock.advance(Duration.ofSeconds(30));
    engineA.runOnce();
    transfer(aOut, bIn);
    dropB.receive(engineB.receiver("PB"));
    Path file;
    try (Stream<Path> files = Files.list(bIn.resolve("content"))) {
      file = files.findFirst().orElseThrow();
    }
    byte[] altered = smoke.clone();
    altered[altered.length - 1] ^= 1;
    Files.write(file, altered);
    engineB.runOnce();
    engineB.runOnce();

    assertEquals(List.of(), pb.attachments("PB-1"), "altered content is never attached");
    assertTrue(engineB.status("PB").inboxCount() >= 1, "the message waits in the inbox");

    Files.write(file, smoke); // sent again by hand
    clock.advance(Duration.ofMinutes(1));
    engineB.runOnce();
    assertArrayEquals(smoke, downloaded(pb, pb.attachments("PB-1").get(0)));
  }

  @Test
  void idsWithSlashesDotsAndPipesNameNoPathOfTheirOwn() throws Exception {
    wire(1L << 30);
    String hostile = "../../escaped|rm -rf";
    byte[] bytes = randomBytes(5000, 5);
    IssueTracker serving = (IssueTracker) Proxy.newProxyInstance(
        IssueTracker.class.getClassLoader(), new Class<?>[] {IssueTracker.class},
        (proxy, method, args) -> {
          if (method.getName().equals("download") && hostile.equals(args[0])) {
            return new ByteArrayInputStream(bytes);
          }
          throw new UnsupportedOperationException(method.getName());
        });
    FileDropTransport sender = FileDropTransport.builder(aOut, aIn, security, "PA", "PB")
        .envelopeIds(sites.storesA.envelopeIds()).attachments(serving).build();
    ArrayNode ops = JsonNodeFactory.instance.arrayNode();
    ops.addObject().put("op", "add").put("id", hostile).put("filename", "x.bin")
        .put("size", bytes.length).put("sha256", sha256(bytes));
    SyncMessage m = SyncMessage.builder().messageId("m1").synchronizationId("pa-pb")
        .fromConnector("PA").toConnector("PB").sourceIssueKey("PA-1").sequenceId(1)
        .kind(MessageKind.CHANGE).issueType("Task").createdAt(clock.millis()).senderEpoch(1)
        .content(Map.of("files", ops)).build();
    sender.send(List.of(m));

    Path att;
    try (Stream<Path> files = Files.list(aOut)) {
      att = files.filter(p -> p.toString().endsWith(".att")).findFirst().orElseThrow();
    }
    List<String> written = names(att);
    assertEquals(1, written.size());
    assertTrue(written.get(0).matches("[0-9a-f]{64}"), written.get(0));
    assertTrue(Files.notExists(root.resolve("escaped|rm -rf")));
    Files.write(att.resolve("planted|..name"), new byte[] {1}); // not a name the sender writes

    transfer(aOut, bIn);
    assertEquals(1, dropB.receive(msg -> true));
    assertEquals(written, names(bIn.resolve("content")), "the planted file is dropped");
    Announced announced = new Announced(hostile, "x.bin", bytes.length, sha256(bytes));
    try (InputStream in = dropB.open(announced)) {
      assertArrayEquals(bytes, in.readAllBytes());
    }
    Files.write(bIn.resolve("content").resolve(written.get(0)), new byte[10]); // cut short
    ContentRefusedException refused = assertThrows(ContentRefusedException.class,
        () -> dropB.open(announced).close());
    assertEquals(ContentRefusedException.Reason.SIZE_MISMATCH, refused.reason());
    assertEquals("size", refused.field());
    assertEquals("10", refused.value());
  }
}
