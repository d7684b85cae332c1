package org.backbonesync.service;

import com.sun.net.httpserver.HttpHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The port's request threads, as the JDK's server's executor: at most {@code max} requests at
 * once, and when all are taken a new one takes the slot of the request that has waited on its
 * client longest since its last read or write began ({@link RequestSlot#idleSince}: its headers,
 * body or answer still on the way), whose connection is closed;
 * when every request is at work for the service instead, the new connection is closed, never
 * queued.
 *
 * <p>Why: the JDK's server gives a connection its thread as soon as its first byte arrives, and
 * reads the request line and headers on it, before anyone knows the path. Slow clients (a byte
 * now and then, headers or body: "slowloris") held every thread until the request time limit cut
 * them, so {@code /health/live} went unanswered and an orchestrator restarted a healthy service.
 * Now a slow client keeps its slot only while no one else needs it, and a probe, which sends its
 * request at once, gets an answer: cutting it would take {@code max} newer connections within
 * the milliseconds its request needs to arrive.
 *
 * <p>Handlers run through {@link #guard}, which tells a request's reads and writes from its work.
 * Thread-safe. {@link #finish} lets the requests in progress end as the port stops; {@link
 * #shutdownNow} ends it.
 */
final class RequestSlots implements Executor {
  private final int max;
  private final LongSupplier ticker;
  private final ExecutorService threads;
  private final ThreadLocal<RequestSlot> current = new ThreadLocal<>();
  private final List<RequestSlot> held = new ArrayList<>(); // guarded by this

  /**
   * @param max requests at once
   * @param ticker nanoseconds, for which request came first ({@link System#nanoTime})
   * @param threads runs each request on a thread of its own, at least {@code 2 * max} at once
   *     (a cut request's thread may still be ending when the new one starts)
   */
  RequestSlots(int max, LongSupplier ticker, ExecutorService threads) {
    this.max = max;
    this.ticker = ticker;
    this.threads = threads;
  }

  /**
   * Slots for {@code max} requests on daemon threads named {@code name-1}, {@code name-2}, ...,
   * on the system's ticker. Idle threads cost nothing and go after a minute.
   */
  static RequestSlots create(int max, String name) {
    AtomicInteger count = new AtomicInteger();
    return new RequestSlots(max, System::nanoTime, new ThreadPoolExecutor(0, 2 * max, 60,
        TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, name + "-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        }));
  }

  /** Runs one of the JDK server's exchanges (reading a request, then its handler) in a slot. */
  @Override
  public void execute(Runnable exchange) {
    RequestSlot slot = take();
    try {
      threads.execute(() -> run(slot, exchange));
    } catch (RejectedExecutionException e) {
      release(slot);
      throw e;
    }
  }

  private void run(RequestSlot slot, Runnable exchange) {
    slot.start(Thread.currentThread());
    current.set(slot);
    try {
      exchange.run();
    } finally {
      current.remove();
      slot.done();
      release(slot);
    }
  }

  /**
   * A handler whose request works for the service once its headers are read, with its body,
   * answer and close as waits on the client, during which a newer request can cut it.
   */
  HttpHandler guard(HttpHandler handler) {
    return exchange -> {
      RequestSlot slot = slot(); // the server runs its exchanges on this executor only
      slot.working();
      SlotExchange guarded = new SlotExchange(exchange, slot);
      try {
        handler.handle(guarded);
      } finally {
        guarded.close(); // what is left of the body is read on here: a wait on the client
      }
    };
  }

  /** The slot of the request this thread runs, or null when it runs none of this executor's. */
  RequestSlot slot() {
    return current.get();
  }

  /** Requests holding a slot now. */
  synchronized int inUse() {
    return held.size();
  }

  /**
   * Lets the requests in progress run to their end, as the port stops: waits until each is over,
   * at most {@code grace}, then ends those still running ({@link RequestSlot#end}). A connection
   * still sending its request line and headers is no request yet and is not waited for, so that
   * a slow client cannot hold the stop for the whole grace period; nor are requests that come
   * meanwhile (the caller refuses their work). Real time: the grace period is the operator's.
   *
   * @return how many requests were ended
   */
  int finish(Duration grace) {
    List<RequestSlot> running;
    synchronized (this) {
      List<RequestSlot> before = held.stream().filter(RequestSlot::begun).toList();
      long deadline = System.nanoTime() + grace.toNanos();
      try {
        for (long left = grace.toNanos(); left > 0 && before.stream().anyMatch(held::contains);
            left = deadline - System.nanoTime()) {
          TimeUnit.NANOSECONDS.timedWait(this, left); // release() notifies
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the caller is in a hurry: end them now
      }
      running = before.stream().filter(held::contains).toList();
    }
    running.forEach(RequestSlot::end);
    return running.size();
  }

  /** Stops the threads; a request still running is interrupted. */
  void shutdownNow() {
    threads.shutdownNow();
  }

  private synchronized RequestSlot take() {
    while (held.size() >= max) {
      RequestSlot idlest = held.stream().filter(RequestSlot::waitingOnClient)
          .min(Comparator.comparingLong(RequestSlot::idleSince))
          .orElseThrow(() -> new RejectedExecutionException("all " + max + " request slots"
              + " are at work for the service; the connection is closed"));
      if (idlest.evict()) { // else it went to work meanwhile: look again
        held.remove(idlest);
        notifyAll(); // (finish() waits for slots to go)
      }
    }
    RequestSlot slot = new RequestSlot(ticker);
    held.add(slot);
    return slot;
  }

  private synchronized void release(RequestSlot slot) {
    held.remove(slot);
    notifyAll(); // (finish() waits for slots to go)
  }
}
