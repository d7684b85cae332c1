package org.backbonesync.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.transport.AttachmentContent;
import org.backbonesync.spi.transport.MessageReceiver;
import org.backbonesync.spi.transport.MessageTransport;

/**
 * A transport in memory from one connector to its partner's receiver, which a test can tell to
 * misbehave like a network: lose a message, lose only its acknowledgement, deliver it twice, hold
 * it back and deliver it after later ones, or be down. Faults are queued and apply to the next
 * messages sent, in order.
 *
 * <p>Attachments, between two engines that each run one connector: the transport of one side
 * {@link #serveAttachments serves} the files its messages announce, and only those, from its
 * local tracker, as the HTTP transport's handler does; the partner side's transport opens them
 * through it ({@link #contentFrom}). The content is not checked here: the engine checks its hash.
 * Thread-safe.
 */
public final class InMemoryTransport implements MessageTransport, AttachmentContent {

  /** What happens to one message. */
  public enum Fault {
    /** Lost: never delivered, not acknowledged. */
    DROP,
    /** Delivered, but the acknowledgement is lost, so the sender sends it again. */
    DROP_ACK,
    /** Delivered twice, acknowledged. */
    DUPLICATE,
    /**
     * Held back, not acknowledged; delivered at the end of a later send, after newer messages
     * (so it arrives late and out of order), or by {@link #releaseHeld()}.
     */
    HOLD
  }

  private MessageReceiver receiver;
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final List<SyncMessage> held = new ArrayList<>();
  private boolean down;
  private Predicate<SyncMessage> refused;
  private String refusal;
  private final Map<String, String> undeliverable = new LinkedHashMap<>();
  private long delivered;
  private IssueTracker localTracker;
  private final Set<Served> announced = new HashSet<>();
  private volatile InMemoryTransport contentSource;

  /** An announced attachment as this side serves it: by id, size and hash. */
  private record Served(String attachmentId, long size, String sha256) {}

  /** A transport not yet connected to a receiver. */
  public InMemoryTransport() {}

  /** Connects (or reconnects, after a restart) the partner's receiving end. */
  public synchronized InMemoryTransport connect(MessageReceiver partner) {
    this.receiver = partner;
    return this;
  }

  /** The next {@code count} messages sent suffer {@code fault}, after faults already queued. */
  public synchronized InMemoryTransport inject(Fault fault, int count) {
    for (int i = 0; i < count; i++) {
      faults.add(fault);
    }
    return this;
  }

  /** Forgets the faults queued for the next messages. */
  public synchronized void clearFaults() {
    faults.clear();
  }

  /** While down, every send fails with a {@link RetriableException}. */
  public synchronized void setDown(boolean isDown) {
    this.down = isDown;
  }

  /** How many messages are held back. */
  public synchronized int heldCount() {
    return held.size();
  }

  /** How many deliveries the partner's receiver got (a duplicate counts twice). */
  public synchronized long deliveredCount() {
    return delivered;
  }

  /** Delivers the held messages now, oldest first. */
  public synchronized void releaseHeld() {
    List<SyncMessage> late = new ArrayList<>(held);
    held.clear();
    late.forEach(this::deliver);
  }

  /**
   * Refuses every message that {@code refused} matches, as a partner refuses one larger than it
   * accepts: not delivered, listed by {@link #undeliverable()} with the reason. Null: none.
   */
  public synchronized InMemoryTransport refuse(
      Predicate<SyncMessage> refused, String reason) {
    this.refused = refused;
    this.refusal = reason;
    return this;
  }

  /**
   * Serves the partner the attachments this transport's messages announce from now on, and only
   * those, read from the local connector's tracker.
   */
  public synchronized InMemoryTransport serveAttachments(IssueTracker localTracker) {
    this.localTracker = localTracker;
    return this;
  }

  /**
   * Opens the partner's attachments through the partner side's transport, which serves those its
   * messages announced (see {@link #serveAttachments}).
   */
  public InMemoryTransport contentFrom(InMemoryTransport partnerTransport) {
    this.contentSource = partnerTransport;
    return this;
  }

  /**
   * Opens an attachment the partner announced, from the partner side's transport.
   *
   * @throws SyncException when no {@link #contentFrom} is set, or the partner side did not
   *     announce it with this size and hash (or serves no attachments)
   * @throws org.backbonesync.spi.tracker.TrackerException when the partner's file is gone
   */
  @Override
  public InputStream open(Announced attachment) {
    InMemoryTransport source = contentSource;
    if (source == null) {
      throw new SyncException("attachment " + attachment.attachmentId() + " cannot be fetched:"
          + " this InMemoryTransport has no contentFrom(partner's transport)");
    }
    return source.serve(attachment);
  }

  /** Streams an attachment this side announced; outside the lock, so both sides may open. */
  private InputStream serve(Announced a) {
    IssueTracker tracker;
    synchronized (this) {
      tracker = localTracker;
      if (tracker == null || !announced.contains(new Served(a.attachmentId(), a.size(),
          a.sha256()))) {
        throw new SyncException("attachment " + a.attachmentId() + " was not announced to the"
            + " partner with size " + a.size() + " and this SHA-256; refused");
      }
    }
    return tracker.download(a.attachmentId());
  }

  /** Remembers the attachments the messages' {@code add} operations announce, when serving. */
  private void announce(List<SyncMessage> messages) {
    if (localTracker == null) {
      return;
    }
    for (SyncMessage m : messages) {
      for (JsonNode ops : m.content().values()) {
        for (JsonNode op : ops) {
          if (op.path("op").asText().equals("add") && op.path("id").isTextual()
              && op.path("sha256").isTextual() && op.path("size").canConvertToLong()) {
            announced.add(new Served(op.get("id").textValue(),
                Math.max(0, op.get("size").asLong()), op.get("sha256").textValue()));
          }
        }
      }
    }
  }

  @Override
  public synchronized Map<String, String> undeliverable() {
    return Map.copyOf(undeliverable);
  }

  @Override
  public synchronized Set<String> send(List<SyncMessage> messages) {
    announce(messages); // before anything is delivered, as the HTTP transport does
    if (receiver == null) {
      throw new IllegalStateException("InMemoryTransport is not connected to a receiver");
    }
    if (down) {
      throw new RetriableException("partner unreachable (InMemoryTransport is down)", null);
    }
    List<SyncMessage> late = new ArrayList<>(held);
    held.clear();
    Set<String> acked = new LinkedHashSet<>();
    for (SyncMessage m : messages) {
      if (refused != null && refused.test(m)) {
        undeliverable.put(m.messageId(), refusal);
        continue;
      }
      undeliverable.remove(m.messageId());
      Fault fault = faults.poll();
      if (fault == null) {
        if (deliver(m)) {
          acked.add(m.messageId());
        }
        continue;
      }
      switch (fault) {
        case DROP -> { }
        case DROP_ACK -> deliver(m);
        case DUPLICATE -> {
          deliver(m);
          if (deliver(m)) {
            acked.add(m.messageId());
          }
        }
        case HOLD -> held.add(m);
        default -> throw new AssertionError(fault);
      }
    }
    late.forEach(this::deliver);
    return acked;
  }

  private boolean deliver(SyncMessage m) {
    delivered++;
    return receiver.receive(m);
  }
}
