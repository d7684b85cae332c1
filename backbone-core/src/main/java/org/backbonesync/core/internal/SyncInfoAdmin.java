package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.ConfigurationProblem;
import org.backbonesync.core.ImportResult;
import org.backbonesync.core.SyncInfoImport;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.store.DuplicateSyncInfoException;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.IssueTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports sync information all or nothing, after {@link SyncInfoImportCheck} found no problem in
 * any row, and marks the imported issues with their partners' origin markers (answering those it
 * could not mark).
 */
final class SyncInfoAdmin {
  private static final Logger log = LoggerFactory.getLogger(SyncInfoAdmin.class);

  private final Stores stores;
  private final Clock clock;
  private final Map<String, IssueTracker> trackers;

  /**
   * @param trackers the trackers of this engine's connectors by connector key, to check that the
   *     issues exist (a partner connector that is not local is checked for the form only)
   */
  SyncInfoAdmin(Stores stores, Clock clock, Map<String, IssueTracker> trackers) {
    this.stores = stores;
    this.clock = clock;
    this.trackers = Map.copyOf(trackers);
  }

  ImportResult importRows(Connector connector, List<SyncInfoImport> rows) {
    String key = connector.key();
    SyncInfoImportCheck checked = checker(connector, rows);
    List<ConfigurationProblem> problems = checked.problems(rows);
    if (!problems.isEmpty()) {
      throw new AdminException(400, "nothing imported: " + problems.size()
          + (problems.size() == 1 ? " problem" : " problems"), problems);
    }
    long now = clock.millis();
    long seen = trackerNow(connector, rows, now);
    try {
      stores.inTransaction(() -> {
        for (SyncInfoImport row : rows) {
          long sent = or(row.outgoingMessageSequenceId(), 0);
          long received = or(row.incomingMessageSequenceId(), 0);
          // Its epoch (made now) is later than any row of the issue before, so the partner
          // takes it as a row made again. A row with counts comes from another store, and what
          // that store still had to send or apply is gone: it goes on counting from the
          // imported sequence id, says so until it learns of the partner's row, and then sends
          // its issue whole (see PartnerRows). A new pairing (no counts) sends only changes.
          SyncInfo imported = new SyncInfo(0, key, row.localIssueKey(),
              row.remoteIssueKey(), or(row.firstSyncDate(), now), or(row.lastOutgoingChange(), 0),
              seen(row, seen, checked.localCreated(row.localIssueKey())), sent,
              or(row.lastIncomingChange(), 0), received,
              row.incomingChangesIgnored() != null && row.incomingChangesIgnored());
          // (imported to ignore: the admin's choice, as one made through the admin API)
          imported = imported.withIgnoredByAdmin(imported.incomingChangesIgnored());
          stores.syncInfo().insert(sent > 0 || received > 0
              ? imported.madeAnew(now) : imported.withMadeAt(now));
        }
      });
    } catch (DuplicateSyncInfoException e) {
      throw new AdminException(409, "nothing imported: " + e.getMessage()
          + " (paired by someone else since the rows were checked)");
    }
    return new ImportResult(rows.size(), mark(connector, rows));
  }

  /**
   * The last change seen of an imported row that gives none: the import's time on the tracker's
   * clock, which stamps the changes a poll compares it with (on the engine's clock, a tracker
   * behind it had its changes of the first moments after the import taken as seen, and one
   * ahead of it had an issue made just before the import taken for one made after: see {@link
   * GoneIssues#replaced}). The engine's time when the tracker does not tell, or no row needs it.
   */
  private long trackerNow(Connector connector, List<SyncInfoImport> rows, long now) {
    IssueTracker tracker = trackers.get(connector.key());
    if (tracker == null || rows.stream().allMatch(row -> row.lastChangeSeen() != null)) {
      return now;
    }
    try {
      return tracker.serverTime().orElse(now);
    } catch (RuntimeException e) {
      log.debug("{}: the tracker's time is unknown; imported rows have seen changes up to this"
          + " engine's time: {}", connector.key(), e.toString());
      return now;
    }
  }

  /**
   * Tags the imported local issues with the origin marker of their partner, as if the sync had
   * created them, so that a lost store pairs them again instead of copying them. After the
   * import, which stands either way: answers the issues left unmarked, and names them in a
   * warning. A refusal leaves one issue unmarked and the others are tried; a retriable failure
   * (the tracker down or rate limited, after the tracker's own retries) leaves the rest unmarked
   * untried, since each would only wait out the same failure while the import's caller waits.
   */
  private List<String> mark(Connector connector, List<SyncInfoImport> rows) {
    IssueTracker tracker = trackers.get(connector.key());
    List<String> unmarked = new ArrayList<>();
    RuntimeException first = null;
    for (int i = 0; i < rows.size(); i++) {
      String local = rows.get(i).localIssueKey();
      try {
        if (tracker == null || !tracker.setOriginMarker(local,
            connector.originMarker(rows.get(i).remoteIssueKey()))) {
          // this tracker cannot mark issues: none of them is
          log.warn("{}: imported, but this tracker cannot mark issues with their partners' origin"
              + " markers; after a lost store the partners of {} would be copied again",
              connector.key(), rows.size() == 1 ? local : rows.size() + " issues");
          return keys(rows);
        }
      } catch (RuntimeException e) {
        unmarked.add(local);
        first = first == null ? e : first;
        if (e instanceof RetriableException) {
          rows.subList(i + 1, rows.size()).forEach(row -> unmarked.add(row.localIssueKey()));
          break;
        }
      }
    }
    if (!unmarked.isEmpty()) {
      log.warn("{}: imported, but could not mark {} with their partners' origin markers (first"
          + " failure: {}); after a lost store their partners would be copied again",
          connector.key(), unmarked.size() <= 10 ? unmarked
              : unmarked.size() + " issues " + unmarked.subList(0, 10) + " and more",
          first.toString());
    }
    return unmarked;
  }

  private static List<String> keys(List<SyncInfoImport> rows) {
    List<String> keys = new ArrayList<>(rows.size());
    rows.forEach(row -> keys.add(row.localIssueKey()));
    return keys;
  }

  /** Every problem of the rows, each with its row index; none means they can be imported. */
  List<ConfigurationProblem> check(Connector connector, List<SyncInfoImport> rows) {
    return checker(connector, rows).problems(rows);
  }

  private SyncInfoImportCheck checker(Connector connector, List<SyncInfoImport> rows) {
    Objects.requireNonNull(rows, "rows");
    return new SyncInfoImportCheck(connector, stores.syncInfo(), clock, trackers);
  }

  /**
   * An imported row's last change seen: the tracker's time of the import when none is given; a
   * time (given, or the engine's when the tracker cannot tell its own and runs ahead) before the
   * issue was created counts as the moment before it (no change of the issue is older, so the
   * same changes are new), not as a row that has seen changes of an older issue under its key
   * (see {@link GoneIssues#replaced}).
   */
  private static long seen(SyncInfoImport row, long importedAt, long created) {
    long seen = row.lastChangeSeen() == null ? importedAt : row.lastChangeSeen();
    return seen > 0 && seen < created ? created - 1 : seen;
  }

  private static long or(Long value, long fallback) {
    return value == null ? fallback : value;
  }
}
