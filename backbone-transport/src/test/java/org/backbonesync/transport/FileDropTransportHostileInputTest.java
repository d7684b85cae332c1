package org.backbonesync.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.transport.MessageReceiver;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a partner, a file transfer or anyone who can write to the incoming folder might put
 * there, and the operator mistakes around it. Each file is refused with its reason, and nothing
 * else changes: B's inbox stays empty, no file outside the folders is read or written, and a
 * link's target keeps its bytes.
 */
class FileDropTransportHostileInputTest {
  @TempDir Path root;
  private final TwoSites sites = new TwoSites();
  private final ManualClock clock = sites.clock;
  private final EnvelopeSecurity security = sites.security().build();
  private final InMemoryStores storesB = sites.storesB;
  private Path aOut;
  private Path bIn;
  private Path bRejected;
  private Path outside;
  private FileDropTransport dropA;
  private FileDropTransport dropB;
  private SyncEngine engineB;

  @BeforeEach
  void wire() throws IOException {
    aOut = root.resolve("a/out");
    bIn = root.resolve("b/in");
    bRejected = bIn.resolve("rejected");
    outside = Files.createDirectories(root.resolve("outside"));
    dropA = FileDropTransport.builder(aOut, root.resolve("a/in"), security, "PA", "PB")
        .envelopeIds(sites.storesA.envelopeIds()).build();
    dropB = dropB();
    engineB = sites.engine("PB", dropB).build();
  }

  private FileDropTransport dropB() {
    return FileDropTransport.builder(root.resolve("b/out"), bIn, security, "PB", "PA")
        .envelopeIds(storesB.envelopeIds()).build();
  }

  private MessageReceiver receiverB() {
    return engineB.receiver("PB");
  }

  private static SyncMessage message(long seq, int summaryBytes) {
    return SyncMessage.builder().messageId("PA:PA-" + seq + ":1:1").synchronizationId("pa-pb")
        .fromConnector("PA").toConnector("PB").sourceIssueKey("PA-" + seq).sequenceId(1)
        .kind(MessageKind.CHANGE).issueType("Task").createdAt(1)
        .fields(Map.of("summary",
            new FieldValue(TextNode.valueOf("x".repeat(summaryBytes)), 1, "alice")))
        .build();
  }

  /** Moves A's files to B's incoming folder, as the file transfer does. */
  private List<Path> transfer() throws IOException {
    List<Path> moved = new ArrayList<>();
    try (Stream<Path> files = Files.list(aOut)) {
      for (Path f : files.filter(p -> !p.getFileName().toString().startsWith(".tmp-")).toList()) {
        moved.add(Files.move(f, bIn.resolve(f.getFileName())));
      }
    }
    return moved;
  }

  private String reason(String name) throws IOException {
    return Files.readString(bRejected.resolve(name + ".reason"));
  }

  /** A file that is settled: modified long ago, so it is judged now. */
  private Path settled(Path file) throws IOException {
    FileTime old = FileTime.from(clock.instant().minus(Duration.ofHours(1)));
    Files.getFileAttributeView(file, java.nio.file.attribute.BasicFileAttributeView.class,
        LinkOption.NOFOLLOW_LINKS).setTimes(old, null, null);
    return file;
  }

  private void assertNothingStored() {
    assertEquals(0, storesB.messages().incomingCount("PB"), "B's inbox");
  }

  private static void assumeLinux() {
    assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"),
        "links and FIFOs as Linux makes them");
  }

  @Test
  void aLinkPlantedAtTheReasonFileIsReplacedNotWrittenThrough() throws IOException {
    assumeLinux();
    Path victim = Files.writeString(outside.resolve("victim.txt"), "precious");
    Files.createSymbolicLink(bRejected.resolve("msg-1-bad.env.reason"), victim);
    settled(Files.writeString(bIn.resolve("msg-1-bad.env"), "not an envelope"));

    assertEquals(0, dropB.receive(receiverB()));

    assertEquals("precious", Files.readString(victim));
    Path reason = bRejected.resolve("msg-1-bad.env.reason");
    assertTrue(Files.isRegularFile(reason, LinkOption.NOFOLLOW_LINKS), "the link is replaced");
    assertTrue(reason("msg-1-bad.env").startsWith("MALFORMED: no envelope header line"));
    assertNothingStored();
  }

  @Test
  void aLinkPlantedAtTheRejectedFileNameIsReplacedNotWrittenThrough() throws IOException {
    assumeLinux();
    Path victim = Files.writeString(outside.resolve("victim.txt"), "precious");
    Files.createSymbolicLink(bRejected.resolve("msg-1-bad.env"), victim);
    settled(Files.writeString(bIn.resolve("msg-1-bad.env"), "not an envelope"));

    dropB.receive(receiverB());

    assertEquals("precious", Files.readString(victim));
    assertEquals("not an envelope", Files.readString(bRejected.resolve("msg-1-bad.env")));
  }

  @Test
  void aLinkToAValidEnvelopeIsNotFollowed() throws IOException {
    assumeLinux();
    dropA.send(List.of(message(1, 10)));
    Path real = transfer().get(0);
    Path elsewhere = Files.move(real, outside.resolve("real.env"));
    byte[] bytes = Files.readAllBytes(elsewhere);
    Files.createSymbolicLink(bIn.resolve("msg-1-link.env"), elsewhere);

    assertEquals(0, dropB.receive(receiverB()));

    assertTrue(reason("msg-1-link.env").startsWith("NOT_A_FILE: not a regular file but a"
        + " symbolic link; it is not opened"), reason("msg-1-link.env"));
    assertTrue(Files.isSymbolicLink(bRejected.resolve("msg-1-link.env")), "moved as a link");
    assertEquals(new String(bytes, StandardCharsets.UTF_8), Files.readString(elsewhere));
    assertNothingStored();
  }

  @Test
  void aLinkToAFolderAndAFolderAreNotEntered() throws IOException {
    assumeLinux();
    Path dir = Files.createDirectories(outside.resolve("dir"));
    Files.writeString(dir.resolve("inside.txt"), "kept");
    Files.createSymbolicLink(bIn.resolve("msg-1-dirlink.env"), dir);
    Files.createDirectories(bIn.resolve("msg-2-folder.env"));

    dropB.receive(receiverB());

    assertTrue(reason("msg-1-dirlink.env").contains("a symbolic link"));
    assertTrue(reason("msg-2-folder.env").contains("not a regular file but a folder"));
    assertEquals(List.of("inside.txt"), names(dir));
    assertEquals(Map.of(Reason.NOT_A_FILE, 2L), dropB.rejected());
    assertNothingStored();
  }

  @Test
  void aFifoNamedLikeAnEnvelopeBlocksNeitherReceiveNorSend() throws Exception {
    assumeLinux();
    mkfifo(bIn.resolve("msg-x.env"));
    mkfifo(bIn.resolve("ack-x.env"));

    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      assertEquals(0, dropB.receive(receiverB()));
      assertEquals(Set.of(), dropB.send(List.of()));
    });

    assertTrue(reason("msg-x.env").contains("a FIFO, socket or device"), reason("msg-x.env"));
    assertTrue(reason("ack-x.env").contains("a FIFO, socket or device"));
    assertEquals(Map.of(Reason.NOT_A_FILE, 2L), dropB.rejected());
    assertNothingStored();
  }

  private static void mkfifo(Path path) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assumeTrue(p.waitFor() == 0, "mkfifo works here");
  }

  @Test
  void aHugeFileIsRefusedWithoutBeingRead() throws IOException {
    Path huge = bIn.resolve("msg-1-huge.env");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(20L * 1024 * 1024 * 1024); // 20 GB, sparse: reading it would take minutes
    }

    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> dropB.receive(receiverB()));

    assertTrue(reason("msg-1-huge.env").startsWith("TOO_LARGE: 21474836480 bytes; at most"
        + " 8388608 of body are accepted"), reason("msg-1-huge.env"));
    assertNothingStored();
  }

  @Test
  void aTruncatedEnvelopeIsRefusedOnceSettledAndNothingIsStored() throws IOException {
    dropA.send(List.of(message(1, 1000)));
    Path file = transfer().get(0);
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 10));
    settled(file);

    assertEquals(0, dropB.receive(receiverB()));

    assertTrue(reason(file.getFileName().toString()).startsWith("BAD_SIGNATURE"));
    assertNothingStored();
  }

  @Test
  void aSignedEnvelopeWithAKeyTwiceIsRefused() throws IOException {
    dropA.send(List.of(message(1, 10)));
    Path file = transfer().get(0);
    String body = Forge.body(Files.readAllBytes(file));
    settled(Files.write(file, Forge.signed(body.replaceFirst("\\{", "{\"to\":\"PC\","))));

    dropB.receive(receiverB());

    assertTrue(reason(file.getFileName().toString()).startsWith(
        "MALFORMED: the body is not JSON: Duplicate field 'to'"));
    assertNothingStored();
  }

  @Test
  void aNameWithControlCharactersIsShownPrintable() throws IOException {
    assumeLinux();
    String name = "msg-\n\u001b[31m.env";
    settled(Files.writeString(bIn.resolve(name), "garbage"));

    dropB.receive(receiverB());

    assertTrue(Files.exists(bRejected.resolve(name + ".reason")));
    assertTrue(reason(name).startsWith("MALFORMED"));
  }

  @Test
  void aLinkAtRejectedStopsTheTransportWithNothingMoved() throws IOException {
    assumeLinux();
    Path elsewhere = Files.createDirectories(outside.resolve("elsewhere"));
    Files.delete(bRejected);
    Files.createSymbolicLink(bRejected, elsewhere);
    Path bad = settled(Files.writeString(bIn.resolve("msg-1-bad.env"), "garbage"));

    SyncException e = assertThrows(SyncException.class, () -> dropB.receive(receiverB()));
    assertTrue(e.getMessage().contains("rejected is not a folder (a symbolic link or a file is"
        + " there)"), e.getMessage());
    assertThrows(SyncException.class, () -> dropB.send(List.of()));

    assertTrue(Files.exists(bad), "left where it is");
    assertEquals(List.of(), names(elsewhere));
    assertThrows(SyncException.class, this::dropB, "refused at build too");
  }

  @Test
  void aReceiverFailingHalfwayLeavesTheFileWholeForTheNextReceive() throws IOException {
    dropA.send(List.of(message(1, 10), message(2, 10), message(3, 10)));
    Path file = transfer().get(0);
    MessageReceiver failing = new MessageReceiver() {
      @Override
      public boolean receive(SyncMessage m) {
        throw new IllegalStateException("database connection lost"); // (tried one by one)
      }

      @Override
      public Set<String> receiveAll(List<SyncMessage> messages) {
        receiverB().receive(messages.get(0)); // one stored, then the store goes away
        throw new IllegalStateException("database connection lost");
      }
    };

    RetriableException e = assertThrows(RetriableException.class, () -> dropB.receive(failing));
    assertTrue(e.getMessage().contains("the file stays for the next receive"), e.getMessage());
    assertTrue(Files.exists(file));

    assertEquals(3, dropB.receive(receiverB()), "taken whole, not a duplicate");
    assertEquals(3, storesB.messages().incomingCount("PB"));
    assertEquals(Map.of(), dropB.rejected());
  }

  /**
   * A store that fails (a {@link RetriableException}: the database is down) is not tried message
   * by message, nor on the files after: each would fail alike, every message logged, with
   * send() waiting for receive() all the while. The files stay for the next receive.
   */
  @Test
  void aFailingStoreIsNotTriedMessageByMessageNorForTheLaterFiles() throws IOException {
    dropA.send(List.of(message(1, 10), message(2, 10)));
    clock.advance(Duration.ofSeconds(1));
    dropA.send(List.of(message(3, 10)));
    List<Path> files = transfer();
    assertEquals(2, files.size());
    List<String> tried = new java.util.ArrayList<>();
    MessageReceiver down = new MessageReceiver() {
      @Override
      public boolean receive(SyncMessage m) {
        tried.add("receive " + m.messageId());
        throw new RetriableException("database operation failed (SQL state 08001)", null);
      }

      @Override
      public Set<String> receiveAll(List<SyncMessage> messages) {
        tried.add("receiveAll " + messages.size());
        throw new RetriableException("database operation failed (SQL state 08001)", null);
      }
    };

    RetriableException e = assertThrows(RetriableException.class, () -> dropB.receive(down));

    assertTrue(e.getMessage().contains("the file stays for the next receive"), e.getMessage());
    assertEquals(1, tried.size(), "one batch, then it stops: " + tried);
    files.forEach(f -> assertTrue(Files.exists(f), f + " stays"));
    assertEquals(3, dropB.receive(receiverB()), "taken whole once the store is back");
  }

  /**
   * A partner's envelope holding a message B's receiver refuses for good (an id with a line
   * break, which no store holds): the other messages of the envelope are stored and acknowledged,
   * and the envelopes after it are taken too. Before, the receiver's refusal of the batch left
   * the file for the next receive, which stopped at it again: nothing after it was taken until it
   * went stale (7 days), and the sender's next copy of the others held the refused one again.
   */
  @Test
  void aMessageTheReceiverRefusesHoldsUpNoOtherMessageOrFile() throws IOException {
    SyncMessage refused = SyncMessage.builder().messageId("PA:PA-9:1:1\nforged")
        .synchronizationId("pa-pb").fromConnector("PA").toConnector("PB").sourceIssueKey("PA-9")
        .sequenceId(1).kind(MessageKind.CHANGE).issueType("Task").createdAt(1).build();
    dropA.send(List.of(refused));
    clock.advance(Duration.ofSeconds(1));
    dropA.send(List.of(message(1, 10), refused));
    clock.advance(Duration.ofSeconds(1));
    dropA.send(List.of(message(2, 10)));
    List<Path> files = transfer().stream().sorted().toList(); // (named by time: oldest first)
    assertEquals(3, files.size());

    RetriableException e = assertThrows(RetriableException.class, () -> dropB.receive(receiverB()));

    assertTrue(e.getMessage().contains(files.get(0).getFileName().toString()), e.getMessage());
    assertEquals(2, storesB.messages().incomingCount("PB"), "PA-1's and PA-2's");
    assertTrue(Files.exists(files.get(0)), "the refused one alone: for the next receive");
    assertFalse(Files.exists(files.get(1)), "taken: its other message is stored");
    assertFalse(Files.exists(files.get(2)), "taken, after the refused one");
  }

  @Test
  void aDuplicateIsRefusedAfterARestartToo() throws IOException {
    dropA.send(List.of(message(1, 10)));
    Path file = transfer().get(0);
    byte[] copy = Files.readAllBytes(file);
    assertEquals(1, dropB.receive(receiverB()));
    storesB.messages().removeIncoming("PB", "PA:PA-1:1:1"); // applied meanwhile

    FileDropTransport restarted = dropB(); // a new process on the same stores
    clock.advance(Duration.ofDays(3));
    Files.write(file, copy);
    assertEquals(0, restarted.receive(receiverB()));

    assertTrue(reason(file.getFileName().toString()).startsWith("DUPLICATE: envelope "));
    assertNothingStored();
  }

  @Test
  void aTransferSlowerThanTheClockWindowIsDeliveredWithinMaxTransferTime() throws IOException {
    dropA.send(List.of(message(1, 10)));
    clock.advance(Duration.ofDays(6)); // on a USB stick for six days
    transfer();

    assertEquals(1, dropB.receive(receiverB()));
  }

  @Test
  void envelopesAreSplitToThePartnersLimitAndAMessageTooLargeAloneWaitsAside()
      throws IOException {
    List<SyncMessage> messages = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      messages.add(message(i, 90 * 1024)); // 100 messages of 90 KB: one 9.25 MB envelope before
    }
    SyncMessage tooLarge = message(101, 9 * 1024 * 1024);
    messages.add(50, tooLarge);

    dropA.send(messages);

    List<Path> files = transfer();
    assertEquals(2, files.size());
    for (Path f : files) {
      assertTrue(Files.size(f) <= security.maxEnvelopeBytes() + Envelopes.MAX_HEADER,
          f + " has " + Files.size(f) + " bytes");
    }
    assertEquals(Set.of(tooLarge.messageId()), dropA.undeliverable().keySet());
    assertTrue(dropA.undeliverable().get(tooLarge.messageId()).contains("needs an envelope of"
        + " 9437") && dropA.undeliverable().get(tooLarge.messageId()).contains(
        "the partner accepts at most 8388608"), dropA.undeliverable().toString());
    assertEquals(100, dropB.receive(receiverB()));
    assertEquals(Map.of(), dropB.rejected());
  }

  /**
   * Found in a review: {@code maxTransferTime(Duration.ofMillis(Long.MAX_VALUE))} was taken, and
   * a taken envelope's id was then remembered until its timestamp plus that, which wraps to a
   * time long past: the id counted as expired at once, and a replay of any age was taken. With
   * {@code Duration.ofSeconds(Long.MAX_VALUE)} every receive failed on the overflow, and so did
   * every send with such a {@code resendAfter}. Each duration is refused when set, naming it and
   * the value.
   */
  @Test
  void anAbsurdDurationIsRefusedWhenSetNamingItAndTheValue() {
    FileDropTransport.Builder b = FileDropTransport.builder(aOut, bIn, security, "PA", "PB");
    Duration absurd = Duration.ofSeconds(Long.MAX_VALUE);
    Map<String, Runnable> settings = Map.of(
        "maxTransferTime must be from 1 ms to 365 days, was ", () -> b.maxTransferTime(absurd),
        "resendAfter must be from 1 ms to 365 days, was ", () -> b.resendAfter(absurd),
        "settleTime must be from 1 ms to 1 day, was ", () -> b.settleTime(absurd));
    settings.forEach((must, set) -> assertEquals(must + "PT2562047788015215H30M7S",
        assertThrows(IllegalArgumentException.class, set::run).getMessage()));
    assertEquals("maxTransferTime must be from 1 ms to 365 days, was PT2562047788015H12M55.807S",
        assertThrows(IllegalArgumentException.class,
            () -> b.maxTransferTime(Duration.ofMillis(Long.MAX_VALUE))).getMessage());
    assertEquals("maxTransferTime must be from 1 ms to 365 days, was PT8784H", assertThrows(
        IllegalArgumentException.class, () -> b.maxTransferTime(Duration.ofDays(366)))
        .getMessage());
    assertEquals("settleTime must be from 1 ms to 1 day, was PT0S", assertThrows(
        IllegalArgumentException.class, () -> b.settleTime(Duration.ZERO)).getMessage());
    assertEquals("resendAfter must be from 1 ms to 365 days, was null", assertThrows(
        IllegalArgumentException.class, () -> b.resendAfter(null)).getMessage());
    b.maxTransferTime(Duration.ofDays(365)).resendAfter(Duration.ofDays(365))
        .settleTime(Duration.ofDays(1)).envelopeIds(storesB.envelopeIds()).build();
  }

  @Test
  void theEnvelopeIdStoreIsRequired() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () ->
        FileDropTransport.builder(aOut, bIn, security, "PA", "PB").build());
    assertTrue(e.getMessage().startsWith("envelopeIds is required"), e.getMessage());
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void nothingIsLeftUnreadInTheIncomingFolderByARefusal() throws IOException {
    settled(Files.writeString(bIn.resolve("msg-1.env"), "garbage"));
    dropB.receive(receiverB());
    assertFalse(Files.exists(bIn.resolve("msg-1.env")));
    assertEquals(List.of("rejected"), names(bIn));
  }
}
