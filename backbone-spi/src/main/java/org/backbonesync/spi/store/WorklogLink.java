package org.backbonesync.spi.store;

import java.util.Objects;

/**
 * Links a worklog of a synced issue to its partner worklog, so that an edit or a deletion reaches
 * the right one and a resync or a retry never logs the same work twice.
 *
 * @param localId the worklog's id on this connector's issue
 * @param remoteId the partner worklog's id, or null while the partner has not said it (a worklog
 *     this side sent)
 * @param localUpdated the worklog's update time when it was last synced; a later one is an edit
 * @param hash a hash of the worklog's started time, time spent and comment when it was last
 *     synced; another hash is an edit even within the same millisecond
 * @param carried whether the worklog is a copy the sync logged here of a worklog of a partner
 *     issue that a Jira site restore lost, sent since to the new partner as this side's
 *     own: a whole sends it as this side's worklogs, and a partner's whole does not delete it
 *     (since 0.1.0; false for the links of before)
 */
public record WorklogLink(String localId, String remoteId, long localUpdated, String hash,
    boolean carried) {
  public WorklogLink {
    Objects.requireNonNull(localId, "localId");
  }

  /** A link of a worklog that is not {@link #carried()}. */
  public WorklogLink(String localId, String remoteId, long localUpdated, String hash) {
    this(localId, remoteId, localUpdated, hash, false);
  }
}
