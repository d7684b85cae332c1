package org.backbonesync.transport;

import static org.backbonesync.transport.FileDropFiles.delete;
import static org.backbonesync.transport.FileDropFiles.deleteTree;
import static org.backbonesync.transport.FileDropFiles.shown;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.spi.transport.AttachmentContent.Announced;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attachment files of a {@link FileDropTransport} (see its class comment): writes the files
 * an outgoing envelope announces into {@code <envelope>.att/}, moves those of a taken envelope
 * into {@code content/}, opens them from there and deletes them after {@code maxTransferTime}.
 * Thread-safe as far as the file system is.
 */
final class FileDropContent {
  /** The transport's logger: hosts set the level of the transport's name. */
  private static final Logger LOG = LoggerFactory.getLogger(FileDropTransport.class);
  private final Path outgoing;
  private final Path content;
  private final IssueTracker tracker;
  private final long maxAttachmentBytes;
  private final String local;
  private final String partner;
  private final Duration maxTransferTime;
  private final Clock clock;

  /**
   * @param tracker the local tracker the announced files are read from; null when none is set
   */
  FileDropContent(Path outgoing, Path content, IssueTracker tracker, long maxAttachmentBytes,
      String local, String partner, Duration maxTransferTime, Clock clock) {
    this.outgoing = outgoing;
    this.content = content;
    this.tracker = tracker;
    this.maxAttachmentBytes = maxAttachmentBytes;
    this.local = local;
    this.partner = partner;
    this.maxTransferTime = maxTransferTime;
    this.clock = clock;
  }

  /**
   * Writes the files the envelope {@code name} announces into {@code <name>.att/}: each
   * streamed from the tracker into a folder under a temporary name, forced, and the folder
   * renamed, so the folder is whole under its final name before the envelope is written.
   */
  void write(String name, List<Announced> announced) {
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
        writeOne(tmp, a);
      }
      FileDropFiles.moveAtomically(tmp, outgoing.resolve(name + ".att"));
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw new RetriableException(local + ": the attachments of an envelope cannot be written"
          + " to " + outgoing + "; nothing is written: " + e, e);
    }
  }

  private void writeOne(Path folder, Announced a) throws IOException {
    if (a.size() > maxAttachmentBytes) {
      return; // the partner refuses it by its announced size, unread
    }
    Path file = folder.resolve(Contents.key(a));
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return; // announced twice in one envelope
    }
    InputStream in;
    try {
      in = tracker.download(a.attachmentId());
    } catch (TrackerException gone) {
      Files.createFile(folder.resolve(Contents.key(a) + ".gone"));
      return;
    }
    try (in; FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      in.transferTo(Channels.newOutputStream(ch));
      ch.force(true);
    }
  }

  /**
   * Moves the files of an envelope's {@code .att/} folder into {@code content/}, and deletes the
   * folder. Only regular files named as this transport names them are taken (not through a
   * link); anything else is dropped.
   */
  void take(Path att) {
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
        takeOne(f);
      }
      Files.deleteIfExists(att);
    } catch (IOException e) {
      throw new RetriableException(local + ": the attachments of " + shown(att) + " cannot be"
          + " taken; the envelope stays for the next receive: " + e, e);
    }
  }

  private void takeOne(Path f) throws IOException {
    String n = f.getFileName().toString();
    boolean ours = n.matches("[0-9a-f]{64}(\\.gone)?");
    if (ours && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
      Path target = content.resolve(n);
      Files.move(f, target, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      Files.setLastModifiedTime(target, FileTime.fromMillis(clock.millis()));
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

  /** Deletes attachment files that arrived longer than {@code maxTransferTime} ago. */
  void forgetExpired() {
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

  /** See {@link FileDropTransport#open}. */
  InputStream open(Announced attachment) {
    Contents.checkSize(attachment, maxAttachmentBytes);
    String key = Contents.key(attachment);
    if (Files.exists(content.resolve(key + ".gone"), LinkOption.NOFOLLOW_LINKS)) {
      throw new TrackerException("attachment " + Envelopes.printable(attachment.attachmentId())
          + " of " + partner + " was gone when its envelope was written", null, Map.of());
    }
    Path file = content.resolve(key);
    checkArrived(file, attachment);
    try {
      return new Contents.Checked(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS),
          attachment);
    } catch (IOException e) {
      throw new RetriableException(local + ": cannot read attachment "
          + Envelopes.printable(attachment.attachmentId()) + ": " + e, e);
    }
  }

  /** Checks that the file has arrived, is a regular file and has the announced size. */
  private void checkArrived(Path file, Announced attachment) {
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
  }
}
