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
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.SyncMessage;
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
 * folder, and writes an envelope for the messages not acknowledged (again, after {@code
 * resendAfter}). {@link #receive} is called by the host on its schedule: it stores the messages of
 * the envelopes in the incoming folder through the local connector's receiver and writes their
 * acknowledgement. A file that fails a check (cut short, altered, signed with another secret, for
 * another synchronization or connector, a replay older than the window, or one taken already) is
 * moved to {@code
 * rejected/} in the incoming folder with a {@code .reason} file beside it and never applied; a
 * file that does not verify yet but was modified less than {@code settleTime} ago is left for
 * the next call, as it may still be arriving. Thread-safe.
 */
public final class FileDropTransport implements MessageTransport {
  private static final Logger LOG = LoggerFactory.getLogger(FileDropTransport.class);
  private final Path outgoing;
  private final Path incoming;
  private final EnvelopeSecurity security;
  private final String local;
  private final String partner;
  private final Duration resendAfter;
  private final Duration settleTime;
  private final Clock clock;
  private final MessageCodec codec = new MessageCodec();
  private final Map<String, Long> writtenAt = new HashMap<>();
  private final Set<String> acknowledged = new LinkedHashSet<>();
  /** Envelope ids taken, with their timestamps, kept for the window (older ones are stale). */
  private final Map<String, Long> taken = new HashMap<>();
  private final Rejections rejections = new Rejections();

  private FileDropTransport(Builder b) {
    this.outgoing = b.outgoing;
    this.incoming = b.incoming;
    this.security = b.security;
    this.local = b.local;
    this.partner = b.partner;
    this.resendAfter = b.resendAfter;
    this.settleTime = b.settleTime;
    this.clock = b.security.clock();
    try {
      Files.createDirectories(outgoing);
      Files.createDirectories(incoming.resolve("rejected"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the transport folders", e);
    }
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

  @Override
  public synchronized Set<String> send(List<SyncMessage> messages) {
    readAcknowledgements();
    Set<String> acked = new LinkedHashSet<>();
    List<byte[]> toWrite = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    long now = clock.millis();
    for (SyncMessage m : messages) {
      if (acknowledged.remove(m.messageId())) {
        acked.add(m.messageId());
        writtenAt.remove(m.messageId());
        continue;
      }
      Long at = writtenAt.get(m.messageId());
      if (at == null || now - at >= resendAfter.toMillis()) {
        toWrite.add(codec.encode(m));
        ids.add(m.messageId());
      }
    }
    for (int from = 0; from < toWrite.size(); from += security.maxMessages()) {
      int to = Math.min(toWrite.size(), from + security.maxMessages());
      write("msg-", Envelopes.seal(security, Envelopes.MESSAGES, local, partner,
          toWrite.subList(from, to), List.of()));
    }
    ids.forEach(id -> writtenAt.put(id, now));
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
   */
  public synchronized int receive(MessageReceiver receiver) {
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
      taken.values().removeIf(t -> clock.millis() - t > security.window().toMillis());
      if (taken.putIfAbsent(e.envelopeId(), e.timestamp()) != null) {
        reject(file, new EnvelopeRejectedException(Reason.DUPLICATE, "envelope "
            + e.envelopeId() + " was taken already"));
        continue;
      }
      List<String> ids = new ArrayList<>();
      for (SyncMessage m : e.messages()) {
        if (receiver.receive(m)) {
          ids.add(m.messageId());
          stored++;
        }
      }
      write("ack-", Envelopes.seal(security, Envelopes.ACKS, local, partner, List.of(), ids));
      delete(file);
    }
    return stored;
  }

  /** The envelope of a file, or null when it is refused (moved aside) or may still arrive. */
  private Envelopes.Opened openOrReject(Path file) {
    Envelopes.Opened e;
    try (InputStream in = Files.newInputStream(file)) {
      if (Files.size(file) > security.maxEnvelopeBytes() + 512) {
        throw new EnvelopeRejectedException(Reason.TOO_LARGE, Files.size(file) + " bytes");
      }
      e = Envelopes.open(security, in);
    } catch (EnvelopeRejectedException rejected) {
      if ((rejected.reason() == Reason.MALFORMED || rejected.reason() == Reason.BAD_SIGNATURE)
          && recent(file)) {
        return null; // perhaps still being copied here: look again later
      }
      reject(file, rejected);
      return null;
    } catch (IOException io) {
      LOG.warn("{}: cannot read {}: {}", local, file, io.toString());
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

  private boolean recent(Path file) {
    try {
      return clock.millis() - Files.getLastModifiedTime(file).toMillis() < settleTime.toMillis();
    } catch (IOException e) {
      return true;
    }
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

  private void reject(Path file, EnvelopeRejectedException e) {
    rejections.count(LOG, local + " " + file.getFileName(), e);
    Path aside = incoming.resolve("rejected").resolve(file.getFileName());
    try {
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(incoming.resolve("rejected").resolve(file.getFileName() + ".reason"),
          e.getMessage() + "\n", StandardCharsets.UTF_8);
    } catch (IOException io) {
      LOG.warn("{}: cannot move {} aside: {}", local, file, io.toString());
    }
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
          StandardOpenOption.WRITE)) {
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
      throw new org.backbonesync.spi.RetriableException("cannot write to " + outgoing + ": "
          + e, e);
    }
  }

  @Override
  public String toString() {
    return "FileDropTransport[" + local + " -> " + partner + ", out " + outgoing + ", in "
        + incoming + "]";
  }

  /** Settings of a {@link FileDropTransport}. */
  public static final class Builder {
    private final Path outgoing;
    private final Path incoming;
    private final EnvelopeSecurity security;
    private final String local;
    private final String partner;
    private Duration resendAfter = Duration.ofMinutes(30);
    private Duration settleTime = Duration.ofMinutes(1);

    private Builder(Path outgoing, Path incoming, EnvelopeSecurity security, String local,
        String partner) {
      this.outgoing = Objects.requireNonNull(outgoing, "outgoing");
      this.incoming = Objects.requireNonNull(incoming, "incoming");
      this.security = Objects.requireNonNull(security, "security");
      this.local = Objects.requireNonNull(local, "localConnector");
      this.partner = Objects.requireNonNull(partner, "partnerConnector");
    }

    /** When a message not acknowledged is written again. Default 30 minutes. */
    public Builder resendAfter(Duration value) {
      this.resendAfter = Objects.requireNonNull(value, "resendAfter");
      return this;
    }

    /**
     * How long a file that does not verify is given to finish arriving before it is refused.
     * Default 1 minute.
     */
    public Builder settleTime(Duration value) {
      this.settleTime = Objects.requireNonNull(value, "settleTime");
      return this;
    }

    /** The transport. */
    public FileDropTransport build() {
      return new FileDropTransport(this);
    }
  }
}
