package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.Pipe;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The port's slots with two of them, and requests that read from a pipe as the JDK's server
 * reads from a connection (a blocking, interruptible channel): a request waiting on its client
 * gives its slot to a newer one, the one idle longest first; a request at work keeps it, and is
 * never interrupted.
 */
class RequestSlotsTest {
  private static final long BOUND_SECONDS = 10;
  private final AtomicLong ticker = new AtomicLong();
  private final RequestSlots slots = new RequestSlots(2, ticker::incrementAndGet,
      Executors.newCachedThreadPool());

  @AfterEach
  void stop() {
    slots.shutdownNow();
  }

  /** A request whose client sends nothing: it waits on its read, as for its headers. */
  private CompletableFuture<Throwable> waitingOnClient(Pipe client) {
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    slots.execute(() -> {
      try {
        client.source().read(ByteBuffer.allocate(1));
        ended.complete(null);
      } catch (IOException e) {
        ended.complete(e);
      }
    });
    return ended;
  }

  /** A request at work for the service until {@code release}. */
  private CompletableFuture<Boolean> atWork(CountDownLatch started, CountDownLatch release) {
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
    slots.execute(() -> {
      try {
        slots.slot().working();
        started.countDown();
        release.await(BOUND_SECONDS, TimeUnit.SECONDS);
        interrupted.complete(false);
      } catch (InterruptedException e) {
        interrupted.complete(true);
      } catch (IOException e) {
        interrupted.completeExceptionally(e);
      }
    });
    return interrupted;
  }

  @Test
  void aNewRequestTakesTheSlotOfTheOneThatWaitedLongestOnItsClient() throws Exception {
    Pipe oldest = Pipe.open();
    Pipe newer = Pipe.open();
    CompletableFuture<Throwable> first = waitingOnClient(oldest);
    CompletableFuture<Throwable> second = waitingOnClient(newer);
    CountDownLatch ran = new CountDownLatch(1);

    slots.execute(ran::countDown);

    assertTrue(ran.await(BOUND_SECONDS, TimeUnit.SECONDS), "the new request ran");
    assertInstanceOf(ClosedByInterruptException.class,
        first.get(BOUND_SECONDS, TimeUnit.SECONDS), "the oldest was cut");
    assertFalse(oldest.source().isOpen(), "its connection closed");
    assertFalse(second.isDone(), "the newer one still waits");
    assertTrue(newer.source().isOpen());
    newer.sink().write(ByteBuffer.wrap(new byte[] {'G'}));
    assertEquals(null, second.get(BOUND_SECONDS, TimeUnit.SECONDS), "and is served");
  }

  @Test
  void theOneIdleLongestOnItsClientIsCutNotTheOneThatCameFirst() throws Exception {
    // helper-105: an import's answer going out after its (committed) work was cut before a
    // slowloris that came after it and had sent nothing since
    Pipe answerTo = Pipe.open();
    CountDownLatch secondIn = new CountDownLatch(1);
    CountDownLatch answering = new CountDownLatch(1);
    CompletableFuture<Throwable> first = new CompletableFuture<>();
    slots.execute(() -> {
      try {
        slots.slot().working(); // its request read, its work done
        secondIn.await(BOUND_SECONDS, TimeUnit.SECONDS);
        slots.slot().onClient(() -> { // its answer, to a client slow to take it
          answering.countDown();
          answerTo.source().read(ByteBuffer.allocate(1));
        });
        first.complete(null);
      } catch (IOException | InterruptedException e) {
        first.complete(e);
      }
    });
    Pipe slow = Pipe.open();
    CompletableFuture<Throwable> second = waitingOnClient(slow); // came later, sends nothing
    secondIn.countDown();
    assertTrue(answering.await(BOUND_SECONDS, TimeUnit.SECONDS));

    slots.execute(() -> { });

    assertInstanceOf(ClosedByInterruptException.class,
        second.get(BOUND_SECONDS, TimeUnit.SECONDS), "the slow client was cut");
    assertFalse(first.isDone(), "the answer going out keeps its slot");
    answerTo.sink().write(ByteBuffer.wrap(new byte[] {'A'}));
    assertEquals(null, first.get(BOUND_SECONDS, TimeUnit.SECONDS), "and is answered");
  }

  @Test
  void requestsAtWorkKeepTheirSlotsAndANewConnectionIsClosed() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Boolean> first = atWork(started, release);
    CompletableFuture<Boolean> second = atWork(started, release);
    assertTrue(started.await(BOUND_SECONDS, TimeUnit.SECONDS));

    assertThrows(RejectedExecutionException.class, () -> slots.execute(() -> { }));
    release.countDown();

    assertFalse(first.get(BOUND_SECONDS, TimeUnit.SECONDS), "never interrupted");
    assertFalse(second.get(BOUND_SECONDS, TimeUnit.SECONDS), "never interrupted");
  }

  @Test
  void aRequestCutWhileItWaitsIsToldSoWhenItWouldWorkAgain() throws Exception {
    Pipe client = Pipe.open();
    CountDownLatch reading = new CountDownLatch(1);
    CompletableFuture<Throwable> afterRead = new CompletableFuture<>();
    slots.execute(() -> {
      try {
        slots.slot().working(); // the headers are read
        slots.slot().onClient(() -> { // the body
          reading.countDown();
          client.source().read(ByteBuffer.allocate(1));
        });
        afterRead.complete(null);
      } catch (IOException e) {
        afterRead.complete(e);
      }
    });
    assertTrue(reading.await(BOUND_SECONDS, TimeUnit.SECONDS));
    waitingOnClient(Pipe.open());

    slots.execute(() -> { });

    Throwable cut = afterRead.get(BOUND_SECONDS, TimeUnit.SECONDS);
    assertTrue(cut instanceof IOException && cut.getMessage().startsWith("request cut"),
        String.valueOf(cut));
    assertFalse(client.source().isOpen());
  }
}
