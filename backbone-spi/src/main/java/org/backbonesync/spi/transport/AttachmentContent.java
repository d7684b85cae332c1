package org.backbonesync.spi.transport;

import java.io.InputStream;
import java.util.Objects;

/**
 * Streams the content of an attachment the partner connector announced in an {@code add}
 * operation. A {@link MessageTransport} that carries file content between engines in different
 * processes implements it as well (an optional capability): when the partner connector runs in
 * another engine, the engine opens each file an incoming {@code add} names through the local
 * connector's transport, and fails the operation when the transport does not implement this.
 * Between two connectors of one engine the partner's tracker is read directly instead.
 *
 * <p>The stream is read once, by one thread, and closed by the caller. It ends after exactly
 * {@link Announced#size()} bytes, or fails with an {@link java.io.IOException} (cut short,
 * longer than announced, or another SHA-256 than announced); the engine checks the hash again.
 * Implementations are thread-safe.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface AttachmentContent {

  /**
   * An attachment as the partner's {@code add} operation announces it.
   *
   * @param attachmentId the attachment's id on the partner's tracker (any text: a transport
   *     encodes it before it names a file or a URL with it)
   * @param filename its file name, for messages only
   * @param size its size in bytes, at least 0
   * @param sha256 its SHA-256, 64 lower-case hex digits
   */
  record Announced(String attachmentId, String filename, long size, String sha256) {
    /** Checks the values. */
    public Announced {
      Objects.requireNonNull(attachmentId, "attachmentId");
      Objects.requireNonNull(sha256, "sha256");
      if (size < 0) {
        throw new IllegalArgumentException("size must not be negative, was " + size);
      }
    }
  }

  /**
   * Opens an announced attachment's content, streamed: nothing holds the whole file in memory.
   *
   * @throws org.backbonesync.spi.tracker.TrackerException when the partner's file is gone (deleted
   *     since it was announced): the engine skips the {@code add}, whose {@code delete} follows
   * @throws org.backbonesync.spi.RetriableException when the partner cannot be reached now
   * @throws org.backbonesync.spi.SyncException when the content is refused (larger than this
   *     side accepts, not announced to this side, a bad signature); the operation fails and its
   *     message waits for an admin
   */
  InputStream open(Announced attachment);
}
