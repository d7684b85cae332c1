package org.backbonesync.transport;

import static org.backbonesync.transport.FileDropFiles.shown;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.backbonesync.spi.SyncException;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incoming folder of a {@link FileDropTransport} (see its class comment): lists the
 * envelope files, opens one only when it is a regular file that verifies, and moves a refused
 * one into {@code rejected/} with its reason. Thread-safe as far as the file system is.
 */
final class FileDropInbox {
  /** The transport's logger: hosts set the level of the transport's name. */
  private static final Logger LOG = LoggerFactory.getLogger(FileDropTransport.class);
  private final Path incoming;
  private final Path rejected;
  private final Path content;
  private final EnvelopeSecurity security;
  private final String local;
  private final String partner;
  private final Duration settleTime;
  private final Duration maxTransferTime;
  private final Clock clock;
  private final Rejections rejections = new Rejections();

  /** Makes the incoming folder and {@code rejected/} in it when missing, and checks them. */
  FileDropInbox(Path incoming, EnvelopeSecurity security, String local, String partner,
      Duration settleTime, Duration maxTransferTime) {
    this.incoming = incoming;
    this.rejected = incoming.resolve("rejected");
    this.content = incoming.resolve("content");
    this.security = security;
    this.local = local;
    this.partner = partner;
    this.settleTime = settleTime;
    this.maxTransferTime = maxTransferTime;
    this.clock = security.clock();
    try {
      Files.createDirectories(incoming);
      if (!Files.exists(rejected, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(rejected);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the transport folders", e);
    }
    checkFolders();
  }

  /** Where the attachment files of taken envelopes are kept: {@code content/}. */
  Path contentFolder() {
    return content;
  }

  /** Refused files so far, by reason. */
  Map<Reason, Long> rejected() {
    return rejections.snapshot();
  }

  /**
   * Refuses to work when {@code rejected/} is not a folder of its own: a link planted there
   * would make every refusal write where it points.
   */
  void checkFolders() {
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

  /** The envelope files with the prefix, oldest first. */
  List<Path> files(String prefix) {
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
   * The envelope of a file, or null when it is refused (moved aside) or may still arrive. Only a
   * regular file is opened, never through a link: a FIFO would block the open, a link would read
   * whatever it points at.
   */
  Envelopes.Opened openOrReject(Path file) {
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
      e = open(file, attributes);
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

  private Envelopes.Opened open(Path file, BasicFileAttributes attributes) throws IOException {
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
      return Envelopes.open(security, in, maxTransferTime);
    }
  }

  private boolean recent(BasicFileAttributes attributes) {
    return clock.millis() - attributes.lastModifiedTime().toMillis() < settleTime.toMillis();
  }

  /**
   * Moves a refused file aside and writes why beside it. Both are renames within the incoming
   * folder: a rename replaces a link at the target name instead of writing through it, and the
   * reason is written to a new file first (CREATE_NEW never follows a link).
   */
  void reject(Path file, EnvelopeRejectedException e) {
    rejections.count(LOG, local + " " + shown(file), e);
    Path name = file.getFileName();
    Path att = file.resolveSibling(name + ".att");
    if (Files.isDirectory(att, LinkOption.NOFOLLOW_LINKS)) {
      FileDropFiles.deleteTree(att); // the files of a refused envelope are never taken
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
}
