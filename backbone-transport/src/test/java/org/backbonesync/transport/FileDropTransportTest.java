package org.backbonesync.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engines exchanging envelopes as files through two pairs of folders; the test moves the
 * files as a file transfer would, and slips in a half-written file, a replayed old one, a
 * duplicate and one for another synchronization.
 */
class FileDropTransportTest {
  @TempDir Path root;
  private final TwoSites sites = new TwoSites();
  private final ManualClock clock = sites.clock;
  private final EnvelopeSecurity security = sites.security().build();
  private final InMemoryIssueTracker pa = sites.pa;
  private final InMemoryIssueTracker pb = sites.pb;
  private Path aOut;
  private Path aIn;
  private Path bOut;
  private Path bIn;
  private FileDropTransport dropA;
  private FileDropTransport dropB;
  private SyncEngine engineA;
  private SyncEngine engineB;

  @BeforeEach
  void wire() {
    aOut = root.resolve("a/out");
    aIn = root.resolve("a/in");
    bOut = root.resolve("b/out");
    bIn = root.resolve("b/in");
    dropA = FileDropTransport.builder(aOut, aIn, security, "PA", "PB")
        .envelopeIds(sites.storesA.envelopeIds()).build();
    dropB = FileDropTransport.builder(bOut, bIn, security, "PB", "PA")
        .envelopeIds(sites.storesB.envelopeIds()).build();
    engineA = sites.engine("PA", dropA)
        .retryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(20)).build();
    engineB = sites.engine("PB", dropB)
        .retryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(20)).build();
  }

  /** The file transfer: moves finished files (not the temporary ones) to the other side. */
  private static int transfer(Path from, Path to) throws IOException {
    int moved = 0;
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".env")
          && !p.getFileName().toString().startsWith(".tmp-")).toList()) {
        Files.move(f, to.resolve(f.getFileName()));
        moved++;
      }
    }
    return moved;
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

  @Test
  void issuesAndEditsTravelAsFilesAndEveryMessageIsAcknowledged() throws Exception {
    String pa1 = pa.as("alice").create("Printer on fire");
    rounds(4);

    assertEquals(1, pb.allIssues().size());
    assertEquals("PB-1", engineA.syncInformation("PA").get(0).remoteIssueKey());

    pb.as("bob").edit("PB-1", "summary", "Printer on fire, second floor");
    rounds(4);

    assertEquals("Printer on fire, second floor", pa.value(pa1, "summary").asText());
    assertEquals(1, pa.allIssues().size());
    assertEquals(List.of(), names(aOut), "nothing left to send from A");
    assertEquals(List.of("rejected"), names(aIn));
    assertEquals(List.of(), names(bIn.resolve("rejected")));
  }

  @Test
  void aHalfWrittenFileWaitsWhileFreshAndIsMovedAsideWithItsReasonOnceSettled()
      throws Exception {
    pa.as("alice").create("Printer on fire");
    clock.advance(Duration.ofSeconds(30));
    engineA.runOnce();
    Path written = Files.list(aOut).filter(p -> p.toString().endsWith(".env")).findFirst()
        .orElseThrow();
    byte[] whole = Files.readAllBytes(written);
    Path half = bIn.resolve(written.getFileName());
    Files.write(half, java.util.Arrays.copyOf(whole, whole.length / 2));
    Files.delete(written);
    Files.setLastModifiedTime(half, FileTime.from(clock.instant()));

    assertEquals(0, dropB.receive(engineB.receiver("PB")));
    assertTrue(Files.exists(half), "still arriving: left alone");

    clock.advance(Duration.ofMinutes(2));
    assertEquals(0, dropB.receive(engineB.receiver("PB")));

    assertTrue(Files.exists(bIn.resolve("rejected").resolve(half.getFileName())));
    String reason = Files.readString(bIn.resolve("rejected")
        .resolve(half.getFileName() + ".reason"));
    assertTrue(reason.startsWith("BAD_SIGNATURE"), reason);
    engineB.runOnce();
    assertEquals(0, pb.allIssues().size(), "never applied");

    rounds(60); // A writes the message again after resendAfter; it arrives whole
    assertEquals(1, pb.allIssues().size());
  }

  @Test
  void aReplayedOldFileADuplicateAndAFileForAnotherSynchronizationAreMovedAside()
      throws Exception {
    pa.as("alice").create("Printer on fire");
    clock.advance(Duration.ofSeconds(30));
    engineA.runOnce();
    Path original = Files.list(aOut).filter(p -> p.toString().endsWith(".env")).findFirst()
        .orElseThrow();
    byte[] copy = Files.readAllBytes(original);
    rounds(3);
    assertEquals(1, pb.allIssues().size());

    // the same file delivered twice by the transfer, half an hour later
    clock.advance(Duration.ofMinutes(30));
    Files.write(bIn.resolve("msg-0000000000001-again.env"), copy);
    dropB.receive(engineB.receiver("PB"));
    // the same file again after the longest transfer accepted (7 days): too old now
    clock.advance(Duration.ofDays(7));
    Files.write(bIn.resolve("msg-0000000000002-replay.env"), copy);
    // a file of another synchronization
    EnvelopeSecurity other = EnvelopeSecurity.builder("pa-pc").key("k1", EnvelopesTest.SECRET)
        .clock(clock).build();
    Files.write(bIn.resolve("msg-0000000000003-other.env"), Envelopes.seal(other,
        Envelopes.MESSAGES, "PA", "PB", List.of(), List.of()));

    dropB.receive(engineB.receiver("PB"));

    assertEquals(List.of("msg-0000000000001-again.env", "msg-0000000000001-again.env.reason",
        "msg-0000000000002-replay.env", "msg-0000000000002-replay.env.reason",
        "msg-0000000000003-other.env", "msg-0000000000003-other.env.reason"),
        names(bIn.resolve("rejected")));
    assertTrue(Files.readString(bIn.resolve("rejected/msg-0000000000001-again.env.reason"))
        .startsWith("DUPLICATE"));
    assertTrue(Files.readString(bIn.resolve("rejected/msg-0000000000002-replay.env.reason"))
        .startsWith("STALE"));
    assertTrue(Files.readString(bIn.resolve("rejected/msg-0000000000003-other.env.reason"))
        .startsWith("WRONG_SYNCHRONIZATION"));
    assertEquals(java.util.Map.of(EnvelopeRejectedException.Reason.STALE, 1L,
        EnvelopeRejectedException.Reason.WRONG_SYNCHRONIZATION, 1L,
        EnvelopeRejectedException.Reason.DUPLICATE, 1L), dropB.rejected());
    engineB.runOnce();
    assertEquals(1, pb.allIssues().size(), "nothing applied twice");
  }
}
