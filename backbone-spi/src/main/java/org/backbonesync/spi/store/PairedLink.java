package org.backbonesync.spi.store;

import java.util.Objects;

/**
 * Links an issue link between synced issues to the partner's link that the sync made or paired,
 * so that removing one removes the other, and only that one: a link a person made on one side
 * alone is never touched. Ids and issue keys are this connector's, except {@code remoteId}.
 *
 * @param localId the link's id on this connector's tracker
 * @param remoteId the partner link's id, or null while the partner has not said it (a link this
 *     side sent)
 * @param type the link type's name on this side, e.g. {@code Blocks}
 * @param outwardIssue the issue on the outward side ({@code PA-1} "blocks")
 * @param inwardIssue the issue on the inward side ({@code PA-2} "is blocked by")
 * @param sent which of its issues' messages have sent the link's add: {@link #OUTWARD}, {@link
 *     #INWARD}, both ({@code OUTWARD | INWARD}) or none; each issue sends it once, since the
 *     partner makes it from whichever arrives where the other issue is synced
 * @param gone whether the link was removed, on either side: kept so that a late add of the
 *     partner's link, still on its way, does not make it again
 */
public record PairedLink(String localId, String remoteId, String type, String outwardIssue,
    String inwardIssue, int sent, boolean gone) {
  /** {@link #sent}: the outward issue's messages have sent the add. */
  public static final int OUTWARD = 1;
  /** {@link #sent}: the inward issue's messages have sent the add. */
  public static final int INWARD = 2;

  public PairedLink {
    Objects.requireNonNull(localId, "localId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(outwardIssue, "outwardIssue");
    Objects.requireNonNull(inwardIssue, "inwardIssue");
    if (sent < 0 || sent > (OUTWARD | INWARD)) {
      throw new IllegalArgumentException("sent must be 0 to 3, was " + sent);
    }
  }

  /** This link, with its add sent from this issue's messages too. */
  public PairedLink sentFrom(String issueKey) {
    int from = issueKey.equals(outwardIssue) ? OUTWARD : INWARD;
    return new PairedLink(localId, remoteId, type, outwardIssue, inwardIssue, sent | from, gone);
  }

  /** This link, removed, with its delete sent from this issue's messages (its add no longer). */
  public PairedLink deleteSentFrom(String issueKey) {
    int from = issueKey.equals(outwardIssue) ? OUTWARD : INWARD;
    return new PairedLink(localId, remoteId, type, outwardIssue, inwardIssue, sent & ~from, true);
  }

  /** Whether this issue's messages have sent the link's add. */
  public boolean sentFromIssue(String issueKey) {
    return (sent & (issueKey.equals(outwardIssue) ? OUTWARD : INWARD)) != 0;
  }

  /** This link, removed. */
  public PairedLink removed() {
    return new PairedLink(localId, remoteId, type, outwardIssue, inwardIssue, sent, true);
  }
}
