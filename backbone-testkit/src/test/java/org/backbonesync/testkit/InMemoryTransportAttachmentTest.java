package org.backbonesync.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.tracker.Attachment;
import org.junit.jupiter.api.Test;

/**
 * Attachments between two engines that share nothing but two {@link InMemoryTransport}s: each
 * has its own tracker and stores, and a file attached on one side is opened by the other through
 * its transport, from the side that announced it.
 */
class InMemoryTransportAttachmentTest {
  private final ManualClock clock = ManualClock.startingAt2026();
  private final SyncConfiguration configuration = SyncConfiguration.builder("pa-pb")
      .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
      .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
      .fieldMapping(FieldMapping.passthrough("summary", "summary", Direction.BOTH))
      .fieldMapping(FieldMapping.of("files", "attachments", Direction.BOTH, "attachment",
          "attachment", JsonNodeFactory.instance.objectNode()))
      .build();
  private final InMemoryIssueTracker pa = InMemoryIssueTracker.builder("PA").clock(clock)
      .syncUser("sync-a").users("alice").build();
  private final InMemoryIssueTracker pb = InMemoryIssueTracker.builder("PB").clock(clock)
      .syncUser("sync-b").users("bob").build();
  private final InMemoryTransport aToB = new InMemoryTransport().serveAttachments(pa);
  private final InMemoryTransport bToA = new InMemoryTransport().serveAttachments(pb);
  private final SyncEngine engineA = SyncEngine.builder().configuration(configuration)
      .tracker("PA", pa).transport("PA", aToB.contentFrom(bToA))
      .stores(new InMemoryStores()).clock(clock).build();
  private final SyncEngine engineB = SyncEngine.builder().configuration(configuration)
      .tracker("PB", pb).transport("PB", bToA.contentFrom(aToB))
      .stores(new InMemoryStores()).clock(clock).build();

  InMemoryTransportAttachmentTest() {
    aToB.connect(engineB.receiver("PB"));
    bToA.connect(engineA.receiver("PA"));
  }

  private void runBoth(int rounds) {
    for (int i = 0; i < rounds; i++) {
      clock.advance(Duration.ofSeconds(10));
      engineA.runOnce();
      engineB.runOnce();
    }
  }

  @Test
  void aFileAttachedOnOneEngineAppearsOnTheOtherWithTheSameBytes() throws IOException {
    String pa1 = pa.as("alice").create("Printer on fire");
    runBoth(3);
    assertEquals(1, pb.allIssues().size());
    byte[] smoke = new byte[100_000];
    new Random(1).nextBytes(smoke);

    pa.as("alice").upload(pa1, "smoke.bin", "application/octet-stream",
        new ByteArrayInputStream(smoke));
    runBoth(3);

    List<Attachment> atB = pb.attachments("PB-1");
    assertEquals(1, atB.size());
    assertEquals("smoke.bin", atB.get(0).filename());
    try (InputStream in = pb.download(atB.get(0).id())) {
      assertArrayEquals(smoke, in.readAllBytes());
    }
  }
}
