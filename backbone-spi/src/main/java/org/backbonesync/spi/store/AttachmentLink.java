package org.backbonesync.spi.store;

import java.util.Objects;

/**
 * Links an attachment of a synced issue to its partner attachment.
 *
 * @param localId the attachment's id on this connector's issue
 * @param remoteId the partner attachment's id, or null while unknown (one this side sent)
 * @param sha256 the content's SHA-256 (hex), to recognize the same file however it arrives
 * @param original whether it was attached here by a person (true) or is a copy the sync made
 *     (false); only deleting an original deletes its copy on the partner
 */
public record AttachmentLink(String localId, String remoteId, String sha256, boolean original) {
  public AttachmentLink {
    Objects.requireNonNull(localId, "localId");
    Objects.requireNonNull(sha256, "sha256");
  }
}
