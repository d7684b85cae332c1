package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A 200 MB attachment syncs in a JVM whose whole heap is a fraction of it. */
class LargeAttachmentTest {
  private static final long SIZE = 200L * 1024 * 1024;

  @Test
  void a200MegabyteAttachmentPassesWithA64MegabyteHeap() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(List.of(java, "-Xmx64m", "-cp",
        System.getProperty("java.class.path"), LargeAttachmentRun.class.getName(),
        String.valueOf(SIZE)))
        .redirectErrorStream(true)
        .start();
    assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the child JVM did not finish");
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertEquals(0, child.exitValue(), out);
    assertTrue(out.contains("sizes " + SIZE + " " + SIZE), out);
    String hashes = out.lines().filter(l -> l.startsWith("hashes ")).findFirst().orElseThrow();
    String[] parts = hashes.split(" ");
    assertEquals(parts[1], parts[2], "the copy has the same content");
    long maxHeap = Long.parseLong(out.lines().filter(l -> l.startsWith("max heap "))
        .findFirst().orElseThrow().substring("max heap ".length()));
    assertTrue(maxHeap < SIZE / 2, "heap " + maxHeap + " must be far smaller than the file");
  }
}
