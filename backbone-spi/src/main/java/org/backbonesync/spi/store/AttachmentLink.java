package org.backbonesync.spi.store;

import java.util.Objects;

/**
 * Links an attachment of a synced issue to its partner attachment.
 *
 * @param localId the attachment's id on this connector's issue
 * @param remoteId the partner attachment's id, or null while unknown (one this side sent)
 * @param sha256 the content's SHA-256 (hex), to recognize the same file however it arrives
 * @param original whether it was attached here by a person (true) or is a copy the sync made
 *     (false); only deleting an original deletes its copy on the partner. A copy the sync made of
 *     a file of a partner issue that a Jira site restore lost, sent since to the new
 *     partner, is this side's original from then on (true): a whole sends it, and a partner's
 *     whole does not delete it
 */
public record AttachmentLink(String localId, String remoteId, String sha256, boolean original) {
  public AttachmentLink {
    Objects.requireNonNull(localId, "localId");
    Objects.requireNonNull(sha256, "sha256");
  }
}
