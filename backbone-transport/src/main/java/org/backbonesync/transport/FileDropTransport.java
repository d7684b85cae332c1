package org.backbonesync.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
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
import java.util.UUID;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.EnvelopeIdStore;
import org.backbonesync.spi.transport.MessageReceiver;
import org.backbonesync.spi.transport.MessageTransport;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * fails leaves the file for the next call, whole.
 *
 * <p>The incoming folder is written by someone else, so only regular files are opened, never
 * following a link, and a refusal writes nothing through a link: a file that fails a check (not
 * a regular file, too large, cut short, altered, signed with another secret, for another
 * synchronization or connector, older than {@code maxTransferTime}, or taken already) is renamed
 * into {@code rejected/} in the incoming folder with a {@code .reason} file beside it (written
 * under a new name and renamed over whatever has that name) and never applied; a file that does
 * not verify yet but was modified less than {@code settleTime} ago is left for the next call, as
 * it may still be arriving. Thread-safe.
 */
public final class FileDropTransport implements MessageTransport {
  private static final Logger LOG = LoggerFactory.getLogger(FileDropTransport.class);
  private final Path outgoing;
  private final Path incoming;
  private final Path rejected;
  private final EnvelopeSecurity security;
  private final EnvelopeIdStore envelopeIds;
  private final String scope;
  private final String local;
  private final String partner;
  private final Duration resendAfter;
  private final Duration settleTime;
  private final Duration maxTransferTime;
  private final int maxMessages;
  private final Clock clock;
  private final Map<String, Long> writtenAt = new HashMap<>();
  private final Set<String> acknowledged = new LinkedHashSet<>();
  private final Map<String, String> undeliverable = new LinkedHashMap<>();
  private final Rejections rejections = new Rejections();
  private long lastForget = Long.MIN_VALUE;

  private FileDropTransport(Builder b) {
    this.outgoing = b.outgoing;
    this.incoming = b.incoming;
    this.rejected = b.incoming.resolve("rejected");
    this.security = b.security;
    this.envelopeIds = b.envelopeIds;
    this.local = b.local;
    this.partner = b.partner;
    this.scope = security.synchronizationId() + "/" + local;
    this.resendAfter = b.resendAfter;
    this.settleTime = b.settleTime;
    this.maxTransferTime = b.maxTransferTime;
    this.maxMessages = security.maxMessages();
    this.clock = b.security.clock();
    try {
      Files.createDirectories(outgoing);
      Files.createDirectories(incoming);
      if (!Files.exists(rejected, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(rejected);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the transport folders", e);
    }
    checkRejectedFolder();
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
    return rejections.snapshot();
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
    checkRejectedFolder();
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
    Envelopes.Split split = Envelopes.split(security, local, partner, toWrite, maxMessages);
    split.tooLarge().forEach((m, bytes) -> {
      String reason = Envelopes.tooLargeReason(m, bytes, security);
      if (undeliverable.put(m.messageId(), reason) == null) {
        LOG.warn("{}: {}", local, reason);
      }
    });
    for (int i = 0; i < split.batches().size(); i++) {
      write("msg-", Envelopes.seal(security, Envelopes.MESSAGES, local, partner,
          split.encoded().get(i), List.of()));
      for (SyncMessage m : split.batches().get(i)) {
        writtenAt.put(m.messageId(), now);
        undeliverable.remove(m.messageId());
      }
    }
    return acked;
  }

  private void readAcknowledgements() {
    for (Path file : files("ack-")) {
      Envelopes.Opened e = openOrReject(file);
      if (e == null) {
        continue;
      }
      if (!e.kind().equals(Envelopes.ACKS)) {
        reject(file, new EnvelopeRejectedException(Reason.MALFORMED, "an ack- file holds "
            + e.kind()));
        continue;
      }
      acknowledged.addAll(e.acked());
      delete(file);
    }
  }

  /**
   * Stores the messages of the envelopes in the incoming folder and writes their
   * acknowledgement; call it on the host's schedule (for example with each engine run).
   *
   * @param receiver the local connector's receiver, e.g. {@code engine.receiver(key)}
   * @return the number of messages stored
   * @throws RetriableException when the receiver fails; the envelope's file stays whole for the
   *     next call, and the files before it are done
   * @throws SyncException when {@code rejected/} in the incoming folder is not a folder (a
   *     link planted there); nothing is moved or written then
   */
  public synchronized int receive(MessageReceiver receiver) {
    checkRejectedFolder();
    forgetExpiredIds();
    int stored = 0;
    for (Path file : files("msg-")) {
      Envelopes.Opened e = openOrReject(file);
      if (e == null) {
        continue;
      }
      if (!e.kind().equals(Envelopes.MESSAGES)) {
        reject(file, new EnvelopeRejectedException(Reason.MALFORMED, "a msg- file holds "
            + e.kind()));
        continue;
      }
      if (envelopeIds.isRemembered(scope, e.envelopeId(), clock.millis())) {
        reject(file, new EnvelopeRejectedException(Reason.DUPLICATE, "envelope "
            + e.envelopeId() + " was taken already"));
        continue;
      }
      Set<String> ids;
      try {
        ids = receiver.receiveAll(e.messages()); // one transaction: all of them or none
      } catch (RuntimeException failed) {
        throw new RetriableException(local + ": the messages of " + file.getFileName()
            + " could not be stored; the file stays for the next receive: " + failed, failed);
      }
      write("ack-", Envelopes.seal(security, Envelopes.ACKS, local, partner, List.of(),
          List.copyOf(ids)));
      // only now: a receiver that failed above leaves the envelope to be taken again
      envelopeIds.remember(scope, e.envelopeId(), expiry(e), clock.millis());
      delete(file);
      stored += ids.size();
    }
    return stored;
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
   * The envelope of a file, or null when it is refused (moved aside) or may still arrive. Only a
   * regular file is opened, never through a link: a FIFO would block the open, a link would read
   * whatever it points at.
   */
  private Envelopes.Opened openOrReject(Path file) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException gone) {
      return null; // taken by another node meanwhile
    } catch (IOException io) {
      LOG.warn("{}: cannot read {}: {}", local, shown(file), io.toString());
      return null;
    }
    Envelopes.Opened e;
    try {
      if (!attributes.isRegularFile()) {
        throw new EnvelopeRejectedException(Reason.NOT_A_FILE, "not a regular file but "
            + (attributes.isSymbolicLink() ? "a symbolic link"
                : attributes.isDirectory() ? "a folder" : "a FIFO, socket or device")
            + "; it is not opened");
      }
      long max = security.maxEnvelopeBytes() + Envelopes.MAX_HEADER + 1;
      if (attributes.size() > max) {
        throw new EnvelopeRejectedException(Reason.TOO_LARGE, attributes.size() + " bytes; at"
            + " most " + security.maxEnvelopeBytes() + " of body are accepted");
      }
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        e = Envelopes.open(security, in, maxTransferTime);
      }
    } catch (EnvelopeRejectedException refused) {
      if ((refused.reason() == Reason.MALFORMED || refused.reason() == Reason.BAD_SIGNATURE)
          && recent(attributes)) {
        return null; // perhaps still being copied here: look again later
      }
      reject(file, refused);
      return null;
    } catch (NoSuchFileException gone) {
      return null;
    } catch (IOException io) {
      LOG.warn("{}: cannot read {}: {}", local, shown(file), io.toString());
      return null;
    }
    if (!e.from().equals(partner) || !e.to().equals(local)) {
      reject(file, new EnvelopeRejectedException(Reason.NOT_PARTNER, "from "
          + Envelopes.printable(e.from()) + " to " + Envelopes.printable(e.to()) + "; this is "
          + local + ", partner of " + partner));
      return null;
    }
    return e;
  }

  private boolean recent(BasicFileAttributes attributes) {
    return clock.millis() - attributes.lastModifiedTime().toMillis() < settleTime.toMillis();
  }

  private List<Path> files(String prefix) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(incoming, prefix + "*.env")) {
      dir.forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + incoming, e);
    }
    out.sort(null); // names start with the writing time: oldest first
    return out;
  }

  /**
   * Refuses to work when {@code rejected/} is not a folder of its own: a link planted there
   * would make every refusal write where it points.
   */
  private void checkRejectedFolder() {
    if (!Files.isDirectory(rejected, LinkOption.NOFOLLOW_LINKS)) {
      throw new SyncException(local + ": " + rejected + " is not a folder (a symbolic link or a"
          + " file is there); refused files would be moved through it, so nothing is read until"
          + " it is removed", null);
    }
  }

  /**
   * Moves a refused file aside and writes why beside it. Both are renames within the incoming
   * folder: a rename replaces a link at the target name instead of writing through it, and the
   * reason is written to a new file first (CREATE_NEW never follows a link).
   */
  private void reject(Path file, EnvelopeRejectedException e) {
    rejections.count(LOG, local + " " + shown(file), e);
    Path name = file.getFileName();
    try {
      Files.move(file, rejected.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      Path tmp = rejected.resolve(".tmp-" + UUID.randomUUID() + ".reason");
      Files.write(tmp, (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      Files.move(tmp, rejected.resolve(name + ".reason"), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException io) {
      LOG.warn("{}: cannot move {} aside: {}", local, shown(file), io.toString());
    }
  }

  private static String shown(Path file) {
    return Envelopes.printable(String.valueOf(file.getFileName()));
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file, e);
    }
  }

  /** Writes a file atomically: a temporary name, forced to disk, renamed, the folder forced. */
  private void write(String prefix, byte[] bytes) {
    String name = prefix + String.format("%013d", clock.millis()) + "-" + UUID.randomUUID()
        + ".env";
    Path tmp = outgoing.resolve(".tmp-" + name);
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, outgoing.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, outgoing.resolve(name));
      }
      try (FileChannel dir = FileChannel.open(outgoing, StandardOpenOption.READ)) {
        dir.force(true);
      } catch (IOException e) {
        // some platforms cannot force a folder; the rename is then as durable as they make it
      }
    } catch (IOException e) {
      throw new RetriableException("cannot write to " + outgoing + ": " + e, e);
    }
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

    /** When a message not acknowledged is written again. Default 30 minutes. */
    public Builder resendAfter(Duration value) {
      this.resendAfter = positive("resendAfter", value);
      return this;
    }

    /**
     * How long a file that does not verify is given to finish arriving before it is refused.
     * Default 1 minute.
     */
    public Builder settleTime(Duration value) {
      this.settleTime = positive("settleTime", value);
      return this;
    }

    /**
     * How old an envelope may be when it is received: as long as the slowest transfer takes
     * (envelope ids are remembered as long, so a replay stays refused). An envelope may be ahead
     * of this side's clock by the security's window. Default 7 days.
     */
    public Builder maxTransferTime(Duration value) {
      this.maxTransferTime = positive("maxTransferTime", value);
      return this;
    }

    private static Duration positive(String name, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
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
