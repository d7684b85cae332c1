package org.backbonesync.core;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.InputStream;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.testkit.SyncTestDriver;

/**
 * Syncs one large generated attachment from PA to PB and prints the sizes and hashes; run in a
 * JVM with a small heap by {@link LargeAttachmentTest}, so it proves nothing holds a file whole.
 */
public final class LargeAttachmentRun {
  private LargeAttachmentRun() {}

  /** Endless, reproducible bytes; never more than one buffer in memory. */
  static InputStream generated(long size) {
    return new InputStream() {
      private long left = size;
      private long state = 0x9E3779B97F4A7C15L;

      @Override
      public int read() {
        if (left == 0) {
          return -1;
        }
        left--;
        state = state * 6364136223846793005L + 1442695040888963407L;
        return (int) (state >>> 56) & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        for (int i = 0; i < n; i++) {
          b[off + i] = (byte) read();
        }
        return n;
      }
    };
  }

  public static void main(String[] args) throws Exception {
    long size = Long.parseLong(args[0]);
    SyncTestDriver sync = SyncTestDriver.builder()
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-files", "attachments", Direction.A_TO_B, "attachment",
            "attachment", JsonNodeFactory.instance.objectNode()))
        .build();
    String pa1 = sync.a("alice").create("Large file");
    Attachment original = sync.a("alice").upload(pa1, "big.bin", "application/octet-stream",
        generated(size));
    sync.runUntilQuiet();
    Attachment copy = sync.b().attachments("PB-1").get(0);
    String originalSha;
    String copySha;
    try (InputStream in = sync.a().download(original.id())) {
      originalSha = org.backbonesync.testkit.Hashes.sha256(in);
    }
    try (InputStream in = sync.b().download(copy.id())) {
      copySha = org.backbonesync.testkit.Hashes.sha256(in);
    }
    System.out.println("sizes " + original.size() + " " + copy.size());
    System.out.println("hashes " + originalSha + " " + copySha);
    System.out.println("max heap " + Runtime.getRuntime().maxMemory());
  }
}
