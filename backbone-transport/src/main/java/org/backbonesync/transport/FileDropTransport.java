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
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.spi.transport.AttachmentContent;
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
  private final Path rejected;
  private final Path content;
  private final IssueTracker tracker;
  private final long maxAttachmentBytes;
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
    this.content = b.incoming.resolve("content");
    this.tracker = b.tracker;
    this.maxAttachmentBytes = b.maxAttachmentBytes;
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
      String name = name("msg-");
      writeAttachments(name, Contents.announcedIn(split.batches().get(i)));
      write(name, Envelopes.seal(security, Envelopes.MESSAGES, local, partner,
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
   * @throws SyncException when {@code rejected/} or {@code content/} in the incoming folder is
   *     not a folder (a link planted there); nothing is moved or written then
   */
  public synchronized int receive(MessageReceiver receiver) {
    checkRejectedFolder();
    forgetExpiredIds();
    forgetExpiredContent();
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
      write(name("ack-"), Envelopes.seal(security, Envelopes.ACKS, local, partner, List.of(),
          List.copyOf(ids)));
      // only now: a receiver that failed above leaves the envelope to be taken again
      envelopeIds.remember(scope, e.envelopeId(), expiry(e), clock.millis());
      takeAttachments(incoming.resolve(file.getFileName() + ".att"));
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
    for (Path own : List.of(rejected, content)) {
      // content/ is made when the first attachment arrives
      if (!Files.isDirectory(own, LinkOption.NOFOLLOW_LINKS)
          && (own == rejected || Files.exists(own, LinkOption.NOFOLLOW_LINKS))) {
        throw new SyncException(local + ": " + own + " is not a folder (a symbolic link or a"
            + " file is there); files would be moved through it, so nothing is read until it is"
            + " removed", null);
      }
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
    Path att = file.resolveSibling(name + ".att");
    if (Files.isDirectory(att, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(att); // the files of a refused envelope are never taken
    }
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

  private String name(String prefix) {
    return prefix + String.format("%013d", clock.millis()) + "-" + UUID.randomUUID() + ".env";
  }

  /**
   * Writes the files the envelope {@code name} announces into {@code <name>.att/}: each
   * streamed from the tracker into a folder under a temporary name, forced, and the folder
   * renamed, so the folder is whole under its final name before the envelope is written.
   */
  private void writeAttachments(String name, List<Announced> announced) {
    if (announced.isEmpty()) {
      return;
    }
    if (tracker == null) {
      LOG.warn("{}: messages announce attachments but no attachments(tracker) is set, so their"
          + " files are not written beside the envelope", local);
      return;
    }
    Path tmp = outgoing.resolve(".tmp-" + name + ".att");
    try {
      Files.createDirectory(tmp);
      for (Announced a : announced) {
        if (a.size() > maxAttachmentBytes) {
          continue; // the partner refuses it by its announced size, unread
        }
        Path file = tmp.resolve(Contents.key(a));
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
          continue; // announced twice in one envelope
        }
        InputStream in;
        try {
          in = tracker.download(a.attachmentId());
        } catch (TrackerException gone) {
          Files.createFile(tmp.resolve(Contents.key(a) + ".gone"));
          continue;
        }
        try (in; FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
          in.transferTo(java.nio.channels.Channels.newOutputStream(ch));
          ch.force(true);
        }
      }
      moveAtomically(tmp, outgoing.resolve(name + ".att"));
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw new RetriableException(local + ": the attachments of an envelope cannot be written"
          + " to " + outgoing + "; nothing is written: " + e, e);
    }
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /** Deletes a folder this side made, and its files; never through a link. */
  private static void deleteTree(Path dir) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // a temporary folder left behind is overwritten by no one: its name is unique
    }
  }

  /**
   * Moves the files of an envelope's {@code .att/} folder into {@code content/}, and deletes the
   * folder. Only regular files named as this transport names them are taken (not through a
   * link); anything else is dropped.
   */
  private void takeAttachments(Path att) {
    if (!Files.isDirectory(att, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.isSymbolicLink(att)) {
        delete(att);
      }
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(att)) {
      if (!Files.exists(content, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(content);
      }
      for (Path f : files) {
        String n = f.getFileName().toString();
        boolean ours = n.matches("[0-9a-f]{64}(\\.gone)?");
        if (ours && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          Path target = content.resolve(n);
          Files.move(f, target, StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
          Files.setLastModifiedTime(target,
              java.nio.file.attribute.FileTime.fromMillis(clock.millis()));
        } else {
          LOG.warn("{}: dropped {} in an attachment folder: not a file this transport writes",
              local, shown(f));
          if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(f);
          } else {
            Files.deleteIfExists(f);
          }
        }
      }
      Files.deleteIfExists(att);
    } catch (IOException e) {
      throw new RetriableException(local + ": the attachments of " + shown(att) + " cannot be"
          + " taken; the envelope stays for the next receive: " + e, e);
    }
  }

  /** Deletes attachment files that arrived longer than {@code maxTransferTime} ago. */
  private void forgetExpiredContent() {
    long oldest = clock.millis() - maxTransferTime.toMillis();
    if (!Files.isDirectory(content, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(content)) {
      for (Path f : files) {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);
        if (a.lastModifiedTime().toMillis() < oldest && !a.isDirectory()) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      LOG.warn("{}: cannot clean {}: {}", local, content, e.toString());
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
    Contents.checkSize(attachment, maxAttachmentBytes);
    String key = Contents.key(attachment);
    if (Files.exists(content.resolve(key + ".gone"), LinkOption.NOFOLLOW_LINKS)) {
      throw new TrackerException("attachment " + Envelopes.printable(attachment.attachmentId())
          + " of " + partner + " was gone when its envelope was written", null, Map.of());
    }
    Path file = content.resolve(key);
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new RetriableException(local + ": attachment "
          + Envelopes.printable(attachment.attachmentId()) + " of " + partner + " has not"
          + " arrived in " + content + " (yet)", e);
    }
    if (!a.isRegularFile()) {
      throw new ContentRefusedException(ContentRefusedException.Reason.NOT_A_FILE,
          "attachmentId", attachment.attachmentId(), "its file in " + content
              + " is not a regular file; it is not opened");
    }
    if (a.size() != attachment.size()) {
      throw new ContentRefusedException(ContentRefusedException.Reason.SIZE_MISMATCH, "size",
          Long.toString(a.size()), "the file of attachment "
              + Envelopes.printable(attachment.attachmentId()) + " has not the "
              + attachment.size() + " bytes announced");
    }
    try {
      return new Contents.Checked(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS),
          attachment);
    } catch (IOException e) {
      throw new RetriableException(local + ": cannot read attachment "
          + Envelopes.printable(attachment.attachmentId()) + ": " + e, e);
    }
  }

  /** Writes a file atomically: a temporary name, forced to disk, renamed, the folder forced. */
  private void write(String name, byte[] bytes) {
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
