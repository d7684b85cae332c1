package org.backbonesync.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.UUID;
import org.backbonesync.spi.RetriableException;

/**
 * The file operations of {@link FileDropTransport}: names, atomic writes and moves, deletes that
 * never follow a link.
 */
final class FileDropFiles {
  private FileDropFiles() {}

  /** A new envelope file name: the prefix, the writing time (so names sort oldest first), a UUID. */
  static String name(String prefix, Clock clock) {
    return prefix + String.format("%013d", clock.millis()) + "-" + UUID.randomUUID() + ".env";
  }

  /** Writes a file atomically: a temporary name, forced to disk, renamed, the folder forced. */
  static void write(Path folder, String name, byte[] bytes) {
    Path tmp = folder.resolve(".tmp-" + name);
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      moveAtomically(tmp, folder.resolve(name));
      try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
        dir.force(true);
      } catch (IOException e) {
        // some platforms cannot force a folder; the rename is then as durable as they make it
      }
    } catch (IOException e) {
      throw new RetriableException("cannot write to " + folder + ": " + e, e);
    }
  }

  static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file, e);
    }
  }

  /** Deletes a folder this side made, and its files; never through a link. */
  static void deleteTree(Path dir) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // a temporary folder left behind is overwritten by no one: its name is unique
    }
  }

  /** A file's name, made safe to log. */
  static String shown(Path file) {
    return Envelopes.printable(String.valueOf(file.getFileName()));
  }
}
