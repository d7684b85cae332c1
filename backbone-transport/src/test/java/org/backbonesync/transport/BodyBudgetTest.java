package org.backbonesync.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bodies nobody signed are read into memory before their signature can be checked; a handler
 * holds at most {@link HttpTransportHandler#BODIES_AT_ONCE} envelopes' worth at once and
 * answers the next request 503 (busy) without reading it (helper-91: 60 unsigned POSTs of 8 MiB
 * ran a 384 MiB heap out). Requests held open mid-body stand for slow or hostile senders.
 */
class BodyBudgetTest {
  private static final int MAX = 64 * 1024;
  private final EnvelopeSecurity security = EnvelopeSecurity.builder("pa-pb")
      .key("k1", EnvelopesTest.SECRET).clock(ManualClock.startingAt2026())
      .maxEnvelopeBytes(MAX).build();
  private final HttpTransportHandler handler =
      new HttpTransportHandler(security, new InMemoryStores().envelopeIds());
  private final ExecutorService senders = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch allStarted = new CountDownLatch(
      HttpTransportHandler.BODIES_AT_ONCE);

  @AfterEach
  void stop() {
    release.countDown();
    senders.shutdownNow();
  }

  /** A body of a known key's header and {@code MAX} bytes that waits before it ends. */
  private InputStream heldBody() {
    byte[] start = (Envelopes.MAGIC + " k1 forged\n" + "x".repeat(MAX))
        .getBytes(StandardCharsets.US_ASCII);
    InputStream end = new InputStream() {
      @Override
      public int read() {
        allStarted.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return -1;
      }
    };
    return new SequenceInputStream(new ByteArrayInputStream(start), end);
  }

  @Test
  void aRequestBeyondTheBytesReadAtOnceIsBusyAndTheBytesAreGivenBack() throws Exception {
    List<Future<HttpTransportHandler.Response>> held = new ArrayList<>();
    for (int i = 0; i < HttpTransportHandler.BODIES_AT_ONCE; i++) {
      held.add(senders.submit(() -> handler.handle("POST", heldBody())));
    }
    assertTrue(allStarted.await(30, TimeUnit.SECONDS), "each holds its bytes, waiting");

    HttpTransportHandler.Response busy = handler.handle("POST", heldBody());

    assertEquals(503, busy.status(), new String(busy.body(), StandardCharsets.UTF_8));
    assertTrue(new String(busy.body(), StandardCharsets.UTF_8).startsWith("BUSY: other"
        + " envelopes are being read now (" + 4 * MAX + " bytes at once)"));
    release.countDown();
    for (Future<HttpTransportHandler.Response> r : held) {
      assertEquals(401, r.get(30, TimeUnit.SECONDS).status(), "forged: refused once read");
    }
    assertEquals(Map.of(Reason.BUSY, 1L, Reason.BAD_SIGNATURE, 4L), handler.rejected());
    HttpTransportHandler.Response again = handler.handle("POST", new ByteArrayInputStream(
        (Envelopes.MAGIC + " k1 forged\n{}").getBytes(StandardCharsets.US_ASCII)));
    assertEquals(401, again.status(), "the bytes were given back: read again");
  }
}
