package org.backbonesync.service;

import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * One request's hold on a thread of the port, and what the thread is doing for it: waiting on
 * the client (its request line and headers, its body, the answer going out, the rest of the body
 * read on at the end), or working for the service (a store, a site, the engine). Only a request
 * waiting on its client can be cut ({@link #evict}), by interrupting its thread: the JDK's
 * server does blocking channel I/O on that thread, and an interrupted channel operation closes
 * the channel (the connection), so the thread is free at once. A request at work is interrupted
 * only when the port stops and its grace period is over ({@link #end}), so no store or site call
 * of the service sees an interrupt from here before.
 *
 * <p>Thread-safe: the request's thread moves between the states, {@link RequestSlots} evicts
 * from any thread; both under this object's lock, so an interrupt lands only while the request
 * waits on its client, or is noticed (and cleared) when the thread next changes state.
 */
final class RequestSlot {
  private enum State { CLIENT, WORKING, DONE }

  private final LongSupplier ticker;
  private State state = State.CLIENT; // the JDK reads the request line and headers first
  private long idleSince; // guarded by this
  private boolean evicted;
  private boolean ended;
  private boolean begun; // went to work once: its request line and headers were read
  private Thread thread;

  /** @param ticker nanoseconds ({@link System#nanoTime}); the request takes its slot now */
  RequestSlot(LongSupplier ticker) {
    this.ticker = ticker;
    this.idleSince = ticker.getAsLong();
  }

  /**
   * Since when the request has waited on its client without a read or write of ours going to
   * it: since it took its slot (the JDK reads the headers, unseen here), or since its last read
   * of the body or write of the answer began. The request idle longest is cut first: a slow
   * client trickling its headers, not an answer streaming out after long work (helper-105: cut
   * by the time it took its slot, an import's answer went before a slowloris that came later).
   */
  synchronized long idleSince() {
    return idleSince;
  }

  /** Whether it waits on its client, and can be cut. */
  synchronized boolean waitingOnClient() {
    return !evicted && state == State.CLIENT;
  }

  /**
   * Cuts the request if it waits on its client: interrupts its thread (at once, or as soon as
   * it starts), which closes the connection.
   *
   * @return whether it was cut; false when it works for the service or is done
   */
  synchronized boolean evict() {
    if (!waitingOnClient()) {
      return false;
    }
    evicted = true;
    if (thread != null) {
      thread.interrupt();
    }
    return true;
  }

  /**
   * Ends the request whatever it does, as the port stops: interrupts its thread (a wait on a
   * site or a lock ends), and its next read or write of the client fails, so that the JDK closes
   * the connection. Nothing once it is done.
   */
  synchronized void end() {
    ended = true;
    if (thread != null && state != State.DONE) {
      thread.interrupt();
    }
  }

  /** Whether it went to work once: a request, not a connection still sending its headers. */
  synchronized boolean begun() {
    return begun;
  }

  /** The thread starts on the request; interrupted at once when it was cut before. */
  synchronized void start(Thread worker) {
    thread = worker;
    if (evicted || ended) {
      worker.interrupt(); // its first read of the request fails, and the JDK closes it
    }
  }

  /**
   * The request is read as far as it needs to be: the thread works for the service now.
   *
   * @throws IOException when it was cut meanwhile (the connection is to be closed)
   */
  synchronized void working() throws IOException {
    checkNotEvicted();
    state = State.WORKING;
    begun = true;
  }

  /**
   * Runs I/O with the client (a read of the body, a write of the answer, the close), during
   * which the request can be cut; already waiting on the client, it just runs it.
   *
   * @throws IOException the I/O's, or when the request was cut during or before it
   */
  void onClient(ClientIo io) throws IOException {
    boolean nested; // the close of a wrapped stream inside the close of the exchange
    synchronized (this) {
      checkNotEvicted();
      nested = state == State.CLIENT;
      state = State.CLIENT;
      idleSince = ticker.getAsLong();
    }
    if (nested) {
      io.run();
      return;
    }
    try {
      io.run(); // never under the lock: evict() must not wait for a slow client
    } finally {
      working();
    }
  }

  /** The request is over: no interrupt from here may reach the thread's next work. */
  synchronized void done() {
    state = State.DONE;
    if (evicted || ended) {
      Thread.interrupted(); // spent: it closed the connection, or the connection is closed now
    }
  }

  private void checkNotEvicted() throws IOException {
    if (ended) {
      Thread.interrupted(); // spent, as below
      throw new IOException("request ended: the port stopped, and its grace period is over");
    }
    if (evicted) {
      Thread.interrupted(); // spent: the caller closes the connection on this exception
      throw new IOException("request cut: every slot of the port was taken, and this one had"
          + " waited on its client longest since its last read or write");
    }
  }

  /** I/O with the client. */
  interface ClientIo {
    void run() throws IOException;
  }
}
