package org.backbonesync.transport;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.testkit.InMemoryIssueTracker;

/**
 * What the attachment content tests of both transports share: a synchronization of summaries
 * and attachments, files of random bytes, and what a tracker holds of a file.
 */
final class AttachmentFiles {
  /** PA and PB syncing their summaries and attachments both ways. */
  static final SyncConfiguration CONFIGURATION = SyncConfiguration.builder("pa-pb")
      .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
      .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
      .fieldMapping(FieldMapping.passthrough("summary", "summary", Direction.BOTH))
      .fieldMapping(FieldMapping.of("files", "attachments", Direction.BOTH, "attachment",
          "attachment", JsonNodeFactory.instance.objectNode()))
      .build();

  private AttachmentFiles() {}

  static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** The bytes of a file attached in the tracker. */
  static byte[] downloaded(InMemoryIssueTracker tracker, Attachment a) throws IOException {
    try (InputStream in = tracker.download(a.id())) {
      return in.readAllBytes();
    }
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
