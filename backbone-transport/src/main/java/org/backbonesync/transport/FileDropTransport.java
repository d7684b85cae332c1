package org.backbonesync.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.EnvelopeIdStore;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.spi.transport.AttachmentContent;
import org.backbonesync.spi.transport.MessageReceiver;
import org.backbonesync.spi.transport.MessageTransport;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Over 350 lines: the Builder and its documented settings are a quarter of it.
/**
 * Exchanges a connector's messages with its partner as files, for sites that cannot reach each
 * other: envelopes are written to an outgoing folder (under a temporary name, forced to disk,
 * then renamed, so a file is never seen half-written under its final name), and any file transfer
 * (SFTP, a shared drive, e-mail attachments) moves them to the partner's incoming folder.
 * Acknowledgements come back the same way. Message files are named {@code msg-*.env}, and
 * acknowledgements {@code ack-*.env}.
 *
 * <p>{@link #send} is the engine's side: it takes the acknowledgements found in the incoming
 * folder, and writes envelopes for the messages not acknowledged (again, after {@code
 * resendAfter}), each no larger than the partner accepts ({@code maxEnvelopeBytes}); a message
 * that does not fit even alone is not written, stays in the outbox, and is listed by {@link
 * #undeliverable()}. {@link #receive} is called by the host on its schedule: it stores the
 * messages of the envelopes in the incoming folder through the local connector's receiver,
 * writes their acknowledgement, records the envelope's id in the {@link EnvelopeIdStore} (durably,
 * until the envelope is too old to be accepted anyway) and deletes the file. A receiver that
 * fails leaves the file for the next call, whole; one that refuses some of its messages (one by
 * one) stores the others, which are acknowledged, and the file is taken; the files after a
 * failing one are taken too.
 *
 * <p>The incoming folder is written by someone else, so only regular files are opened, never
 * following a link, and a refusal writes nothing through a link: a file that fails a check (not
 * a regular file, too large, cut short, altered, signed with another secret, for another
 * synchronization or connector, older than {@code maxTransferTime}, or taken already) is renamed
 * into {@code rejected/} in the incoming folder with a {@code .reason} file beside it (written
 * under a new name and renamed over whatever has that name) and never applied; a file that does
 * not verify yet but was modified less than {@code settleTime} ago is left for the next call, as
 * it may still be arriving.
 *
 * <p>Attachments: with {@link Builder#attachments}, the files that an envelope's messages
 * announce travel beside it, in a folder {@code <envelope>.att/} holding one file per attachment,
 * named by the SHA-256 of its id, size and hash (64 hex digits, whatever the id holds), written
 * under a temporary name and renamed before the envelope itself is written; the file transfer
 * must move that folder before the envelope. A file the tracker no longer has is written as an
 * empty {@code <name>.gone}. When the envelope is taken, its folder's files move into {@code
 * content/} in the incoming folder (anything else in it is dropped), where {@link #open} reads
 * them, checked against their announcement, until {@code maxTransferTime} after they arrived.
 * Thread-safe.
 */
public final class FileDropTransport implements MessageTransport, AttachmentContent {
  private static final Logger LOG = LoggerFactory.getLogger(FileDropTransport.class);
  private final Path outgoing;
  private final Path incoming;
  private final FileDropInbox inbox;
  private final FileDropContent content;
  private final EnvelopeSecurity security;
  private final EnvelopeIdStore envelopeIds;
  private final String scope;
  private final String local;
  private final String partner;
  private final Duration resendAfter;
  private final Duration maxTransferTime;
  private final int maxMessages;
  private final Clock clock;
  private final Map<String, Long> writtenAt = new HashMap<>();
  private final Set<String> acknowledged = new LinkedHashSet<>();
  private final Map<String, String> undeliverable = new LinkedHashMap<>();
  private long lastForget = Long.MIN_VALUE;

  private FileDropTransport(Builder b) {
    this.outgoing = b.outgoing;
    this.incoming = b.incoming;
    this.security = b.security;
    this.envelopeIds = b.envelopeIds;
    this.local = b.local;
    this.partner = b.partner;
    this.scope = security.synchronizationId() + "/" + local;
    this.resendAfter = b.resendAfter;
    this.maxTransferTime = b.maxTransferTime;
    this.maxMessages = security.maxMessages();
    this.clock = b.security.clock();
    try {
      Files.createDirectories(outgoing);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the transport folders", e);
    }
    this.inbox = new FileDropInbox(incoming, security, local, partner, b.settleTime,
        maxTransferTime);
    this.content = new FileDropContent(outgoing, inbox.contentFolder(), b.tracker,
        b.maxAttachmentBytes, local, partner, maxTransferTime, clock);
  }

  /**
   * Starts a file-drop transport of a local connector.
   *
   * @param outgoing the folder this side writes to (the file transfer takes files from here)
   * @param incoming the folder the file transfer puts the partner's files into
   */
  public static Builder builder(Path outgoing, Path incoming, EnvelopeSecurity security,
      String localConnector, String partnerConnector) {
    return new Builder(outgoing, incoming, security, localConnector, partnerConnector);
  }

  /** Refused files so far, by reason. */
  public Map<Reason, Long> rejected() {
    return inbox.rejected();
  }

  /**
   * Messages not written because they do not fit into an envelope the partner accepts, by
   * message id, with why. The engine keeps them in the outbox and lists them as undeliverable
   * until an admin retries them (once both sides accept larger envelopes) or skips them. Cleared
   * of a message when it is written or acknowledged.
   */
  @Override
  public synchronized Map<String, String> undeliverable() {
    return Map.copyOf(undeliverable);
  }

  @Override
  public synchronized Set<String> send(List<SyncMessage> messages) {
    inbox.checkFolders();
    readAcknowledgements();
    Set<String> acked = new LinkedHashSet<>();
    List<SyncMessage> toWrite = new ArrayList<>();
    long now = clock.millis();
    for (SyncMessage m : messages) {
      if (acknowledged.remove(m.messageId())) {
        acked.add(m.messageId());
        writtenAt.remove(m.messageId());
        undeliverable.remove(m.messageId());
        continue;
      }
      Long at = writtenAt.get(m.messageId());
      if (at == null || now - at >= resendAfter.toMillis()) {
        toWrite.add(m);
      }
    }
    write(toWrite, now);
    return acked;
  }

  /** Writes the messages in envelopes the partner accepts, each after its attachment files. */
  private void write(List<SyncMessage> toWrite, long now) {
    Envelopes.Split split = Envelopes.split(security, local, partner, toWrite, maxMessages);
    split.tooLarge().forEach((m, bytes) -> {
      String reason = Envelopes.tooLargeReason(m, bytes, security);
      if (undeliverable.put(m.messageId(), reason) == null) {
        LOG.warn("{}: {}", local, reason);
      }
    });
    for (int i = 0; i < split.batches().size(); i++) {
      String name = FileDropFiles.name("msg-", clock);
      content.write(name, Contents.announcedIn(split.batches().get(i)));
      FileDropFiles.write(outgoing, name, Envelopes.seal(security, Envelopes.MESSAGES, local,
          partner, split.encoded().get(i), List.of()));
      for (SyncMessage m : split.batches().get(i)) {
        writtenAt.put(m.messageId(), now);
        undeliverable.remove(m.messageId());
      }
    }
  }

  private void readAcknowledgements() {
    for (Path file : inbox.files("ack-")) {
      Envelopes.Opened e = inbox.openOrReject(file);
      if (e == null) {
        continue;
      }
      if (!e.kind().equals(Envelopes.ACKS)) {
        inbox.reject(file, new EnvelopeRejectedException(Reason.MALFORMED, "an ack- file holds "
            + e.kind()));
        continue;
      }
      acknowledged.addAll(e.acked());
      FileDropFiles.delete(file);
    }
  }

  /**
   * Stores the messages of the envelopes in the incoming folder and writes their
   * acknowledgement; call it on the host's schedule (for example with each engine run).
   *
   * @param receiver the local connector's receiver, e.g. {@code engine.receiver(key)}
   * @return the number of messages stored
   * @throws RetriableException when the receiver fails; the envelope's file stays whole for the
   *     next call. A store failure (a {@link RetriableException} of the receiver) ends the call
   *     there; an envelope whose every message the receiver refuses does not, the other files
   *     are done and then the first failure is thrown
   * @throws SyncException when {@code rejected/} or {@code content/} in the incoming folder is
   *     not a folder (a link planted there); nothing is moved or written then
   */
  public synchronized int receive(MessageReceiver receiver) {
    inbox.checkFolders();
    forgetExpiredIds();
    content.forgetExpired();
    int stored = 0;
    RetriableException failure = null;
    for (Path file : inbox.files("msg-")) {
      Envelopes.Opened e = inbox.openOrReject(file);
      if (e == null) {
        continue;
      }
      if (!e.kind().equals(Envelopes.MESSAGES)) {
        inbox.reject(file, new EnvelopeRejectedException(Reason.MALFORMED, "a msg- file holds "
            + e.kind()));
        continue;
      }
      if (envelopeIds.isRemembered(scope, e.envelopeId(), clock.millis())) {
        inbox.reject(file, new EnvelopeRejectedException(Reason.DUPLICATE, "envelope "
            + e.envelopeId() + " was taken already"));
        continue;
      }
      try {
        stored += take(file, e, receiver);
      } catch (AllRefused refused) {
        // the later files are taken still: one the receiver refuses for good (a message whose
        // id or keys no store holds) held up every later envelope until it went stale
        if (failure == null) {
          failure = refused;
        } else {
          failure.addSuppressed(refused);
        }
      } catch (RetriableException storeTrouble) {
        // the store failed (not a refusal): the later files would fail alike, each message
        // tried alone, with send() waiting for this (a database outage of a backlog of 50
        // envelopes was 5,000 warnings and attempts per receive)
        if (failure != null) {
          storeTrouble.addSuppressed(failure);
        }
        throw storeTrouble;
      }
    }
    if (failure != null) {
      throw failure;
    }
    return stored;
  }

  /** Stores an envelope's messages, acknowledges them, takes its files; the number stored. */
  private int take(Path file, Envelopes.Opened e, MessageReceiver receiver) {
    EnvelopeIntake.Stored stored;
    try {
      stored = EnvelopeIntake.store(local, receiver, e.messages());
    } catch (RetriableException storeTrouble) {
      throw new RetriableException(local + ": the messages of " + file.getFileName()
          + " could not be stored; the file stays for the next receive: " + storeTrouble,
          storeTrouble);
    }
    Set<String> ids = stored.ids();
    if (ids.isEmpty() && stored.batchRefusal() != null) {
      throw new AllRefused(local + ": the messages of " + file.getFileName()
          + " could not be stored; the file stays for the next receive: "
          + stored.batchRefusal(), stored.batchRefusal());
    }
    FileDropFiles.write(outgoing, FileDropFiles.name("ack-", clock), Envelopes.seal(security,
        Envelopes.ACKS, local, partner, List.of(), List.copyOf(ids)));
    // only now: a receiver that failed above leaves the envelope to be taken again
    envelopeIds.remember(scope, e.envelopeId(), expiry(e), clock.millis());
    content.take(incoming.resolve(file.getFileName() + ".att"));
    FileDropFiles.delete(file);
    return ids.size();
  }

  /** An envelope none of whose messages the receiver took, each refused (not a store failure). */
  private static final class AllRefused extends RetriableException {
    private static final long serialVersionUID = 1L;

    AllRefused(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** When an envelope is too old to be accepted, so its id need not be remembered longer. */
  private long expiry(Envelopes.Opened e) {
    return e.timestamp() + maxTransferTime.toMillis() + 1;
  }

  private void forgetExpiredIds() {
    long now = clock.millis();
    if (now - lastForget >= Duration.ofHours(1).toMillis()) {
      envelopeIds.forgetExpired(now);
      lastForget = now;
    }
  }

  /**
   * Opens an attachment the partner announced, from {@code content/}: checked against its
   * announced size now and its SHA-256 when read to its end.
   *
   * @throws ContentRefusedException when it is larger than {@code maxAttachmentBytes}, not a
   *     regular file, or not of the announced size
   * @throws TrackerException when the partner no longer had it when it wrote the envelope
   * @throws RetriableException when it has not arrived (yet)
   */
  @Override
  public InputStream open(Announced attachment) {
    return content.open(attachment);
  }

  @Override
  public String toString() {
    return "FileDropTransport[" + local + " -> " + partner + ", out " + outgoing + ", in "
        + incoming + "]";
  }

  /** Settings of a {@link FileDropTransport}; {@link #envelopeIds} is required. */
  public static final class Builder {
    private final Path outgoing;
    private final Path incoming;
    private final EnvelopeSecurity security;
    private final String local;
    private final String partner;
    private EnvelopeIdStore envelopeIds;
    private Duration resendAfter = Duration.ofMinutes(30);
    private Duration settleTime = Duration.ofMinutes(1);
    private Duration maxTransferTime = Duration.ofDays(7);
    private IssueTracker tracker;
    private long maxAttachmentBytes = 1L << 30;

    private Builder(Path outgoing, Path incoming, EnvelopeSecurity security, String local,
        String partner) {
      this.outgoing = Objects.requireNonNull(outgoing, "outgoing");
      this.incoming = Objects.requireNonNull(incoming, "incoming");
      this.security = Objects.requireNonNull(security, "security");
      this.local = Objects.requireNonNull(local, "localConnector");
      this.partner = Objects.requireNonNull(partner, "partnerConnector");
    }

    /**
     * Where the ids of the envelopes taken are remembered, e.g. {@code stores.envelopeIds()} of
     * the engine's stores: durable, so that a file delivered twice is refused after a restart
     * too. Required.
     */
    public Builder envelopeIds(EnvelopeIdStore value) {
      this.envelopeIds = Objects.requireNonNull(value, "envelopeIds");
      return this;
    }

    /**
     * When a message not acknowledged is written again, from 1 ms to 365 days. Default 30
     * minutes.
     */
    public Builder resendAfter(Duration value) {
      this.resendAfter = Durations.within("resendAfter", value, Durations.YEAR);
      return this;
    }

    /**
     * How long a file that does not verify is given to finish arriving before it is refused,
     * from 1 ms to 1 day. Default 1 minute.
     */
    public Builder settleTime(Duration value) {
      this.settleTime = Durations.within("settleTime", value, Durations.DAY);
      return this;
    }

    /**
     * How old an envelope may be when it is received: as long as the slowest transfer takes
     * (envelope ids are remembered as long, so a replay stays refused), from 1 ms to 365 days:
     * an envelope id is remembered until its timestamp plus this, which must not wrap past a
     * long's end (it was then forgotten at once, and a replay taken). An envelope may be ahead
     * of this side's clock by the security's window. Default 7 days.
     */
    public Builder maxTransferTime(Duration value) {
      this.maxTransferTime = Durations.within("maxTransferTime", value, Durations.YEAR);
      return this;
    }

    /**
     * The local connector's tracker, read for the attachments this side's messages announce,
     * whose files are written beside the envelope. Needed when the synchronization syncs
     * attachments.
     */
    public Builder attachments(IssueTracker localTracker) {
      this.tracker = Objects.requireNonNull(localTracker, "localTracker");
      return this;
    }

    /**
     * The largest attachment carried, in bytes, both ways: a larger one is not written, and one
     * announced larger is refused before its file is read. Default 1 GiB.
     */
    public Builder maxAttachmentBytes(long value) {
      if (value < 0) {
        throw new IllegalArgumentException("maxAttachmentBytes must not be negative, was "
            + value);
      }
      this.maxAttachmentBytes = value;
      return this;
    }

    /**
     * The transport.
     *
     * @throws IllegalStateException when no {@link #envelopeIds} was given
     */
    public FileDropTransport build() {
      if (envelopeIds == null) {
        throw new IllegalStateException("envelopeIds is required: give the engine's"
            + " stores.envelopeIds(), so that a file delivered twice stays refused after a"
            + " restart");
      }
      return new FileDropTransport(this);
    }
  }
}
