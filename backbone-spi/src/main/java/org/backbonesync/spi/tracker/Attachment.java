package org.backbonesync.spi.tracker;

import java.util.Objects;

/**
 * A file attached to an issue (its metadata; the content is streamed through {@link
 * IssueTracker#download} and {@link IssueTracker#upload}).
 *
 * @param id the tracker's attachment id
 * @param filename the file name
 * @param mimeType the MIME type, e.g. {@code image/png}
 * @param size the size in bytes, exactly: the engine reads no more of the content than this,
 *     failing the read of a longer one, and the partner's copy is checked against it; or -1 when
 *     the tracker does not list it: the engine then measures the content as it reads it (no
 *     further than the mapping's {@code maxSize}, leaving out a longer one)
 * @param author the id of the user who attached it
 * @param created epoch millis
 */
public record Attachment(
    String id, String filename, String mimeType, long size, String author, long created) {
  public Attachment {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(filename, "filename");
  }
}
