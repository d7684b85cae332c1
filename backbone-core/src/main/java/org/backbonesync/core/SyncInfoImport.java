package org.backbonesync.core;

/**
 * One row to import into a connector's sync information, pairing issues that already exist on
 * both sides. The keys are required; each other field, when null, takes its default: {@code
 * firstSyncDate} and {@code lastChangeSeen} the time of the import ({@code lastChangeSeen} on
 * the local tracker's clock, {@link org.backbonesync.spi.tracker.IssueTracker#serverTime}, when
 * it tells: so only the changes after the import are sent, whatever the clocks say), the others 0
 * or false. A {@code lastChangeSeen} before the local issue was created (given, or the
 * engine's time of the import on a tracker that runs ahead and cannot tell its time) is kept as
 * the moment before its creation: the same changes are new, and an older one would make the
 * issue look made after its pair, as after a Jira restore. Times are epoch milliseconds, from 0
 * to a day after now (a time further ahead would hide every change until then); sequence ids are
 * from 0 to {@link Integer#MAX_VALUE}, the original product's integer. See {@link
 * SyncEngine#importSyncInformation} for every check.
 */
public record SyncInfoImport(
    String localIssueKey,
    String remoteIssueKey,
    Long firstSyncDate,
    Long lastOutgoingChange,
    Long lastChangeSeen,
    Long outgoingMessageSequenceId,
    Long lastIncomingChange,
    Long incomingMessageSequenceId,
    Boolean incomingChangesIgnored) {

  /** A row with only the two keys; everything else takes its default. */
  public static SyncInfoImport pair(String localIssueKey, String remoteIssueKey) {
    return new SyncInfoImport(localIssueKey, remoteIssueKey, null, null, null, null, null, null,
        null);
  }
}
