package org.backbonesync.core.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.ConfigurationProblem;
import org.backbonesync.core.SyncInfoImport;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.store.DuplicateSyncInfoException;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports sync information all or nothing, after checking every row: keys present, well formed
 * ({@code PROJECT-number} of the connector's project, and of the partner's for the remote key),
 * within the store's length limit, not paired already or twice, issues that exist in the tracker
 * (the partner's too when it is local to this engine), numbers in range.
 */
final class SyncInfoAdmin {
  /** Keys per existence search: Jira returns at most 100 issues per page. */
  static final int KEYS_PER_SEARCH = 100;
  /** The largest sequence id accepted: the original product's field is an integer. */
  static final long MAX_SEQUENCE_ID = Integer.MAX_VALUE;
  /** How far after now a time may be (clocks differ a little; microseconds differ a lot). */
  static final Duration MAX_FUTURE = Duration.ofDays(1);
  /** Pages read per existence search at most, against a tracker that never ends one. */
  private static final int MAX_PAGES = 100;

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

  int importRows(Connector connector, List<SyncInfoImport> rows) {
    String key = connector.key();
    List<ConfigurationProblem> problems = check(connector, rows);
    if (!problems.isEmpty()) {
      throw new AdminException(400, "nothing imported: " + problems.size()
          + (problems.size() == 1 ? " problem" : " problems"), problems);
    }
    long now = clock.millis();
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
              or(row.lastChangeSeen(), now), sent, or(row.lastIncomingChange(), 0), received,
              row.incomingChangesIgnored() != null && row.incomingChangesIgnored());
          stores.syncInfo().insert(sent > 0 || received > 0
              ? imported.madeAnew(now) : imported.withMadeAt(now));
        }
      });
    } catch (DuplicateSyncInfoException e) {
      throw new AdminException(409, "nothing imported: " + e.getMessage()
          + " (paired by someone else since the rows were checked)");
    }
    mark(connector, rows);
    return rows.size();
  }

  /**
   * Tags the imported local issues with the origin marker of their partner, as if the sync had
   * created them, so that a lost store pairs them again instead of copying them. After the
   * import (which stands either way): an issue that cannot be marked is named in a warning.
   */
  private void mark(Connector connector, List<SyncInfoImport> rows) {
    IssueTracker tracker = trackers.get(connector.key());
    if (tracker == null) {
      return;
    }
    List<String> unmarked = new ArrayList<>();
    for (SyncInfoImport row : rows) {
      try {
        if (!tracker.setOriginMarker(row.localIssueKey(),
            connector.originMarker(row.remoteIssueKey()))) {
          return; // this tracker cannot mark issues
        }
      } catch (RuntimeException e) {
        unmarked.add(row.localIssueKey());
      }
    }
    if (!unmarked.isEmpty()) {
      log.warn("{}: imported, but could not mark {} with their partners' origin markers; after"
          + " a lost store their partners would be copied again", connector.key(), unmarked);
    }
  }

  /** Every problem of the rows, each with its row index; none means they can be imported. */
  List<ConfigurationProblem> check(Connector connector, List<SyncInfoImport> rows) {
    Objects.requireNonNull(rows, "rows");
    String key = connector.key();
    int maxKeyLength = stores.syncInfo().maxIssueKeyLength();
    long latest = clock.millis() + MAX_FUTURE.toMillis();
    Pattern localKeys = keyPattern(connector.config.projectKey());
    Pattern remoteKeys = keyPattern(connector.partner.projectKey());
    List<List<ConfigurationProblem>> byRow = new ArrayList<>();
    Map<String, Integer> locals = new LinkedHashMap<>();
    Map<String, Integer> remotes = new LinkedHashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      List<ConfigurationProblem> problems = new ArrayList<>();
      byRow.add(problems);
      SyncInfoImport row = rows.get(i);
      String at = "$[" + i + "]";
      if (row == null) {
        problems.add(new ConfigurationProblem(at, "must be an object"));
        continue;
      }
      String local = row.localIssueKey();
      if (key(at + ".localIssueKey", local, connector.config.projectKey(), localKeys,
          maxKeyLength, problems)) {
        once(at + ".localIssueKey", local, i, locals,
            () -> stores.syncInfo().findByLocalKey(key, local), SyncInfo::remoteIssueKey,
            problems);
      }
      String remote = row.remoteIssueKey();
      if (key(at + ".remoteIssueKey", remote, connector.partner.projectKey(), remoteKeys,
          maxKeyLength, problems)) {
        once(at + ".remoteIssueKey", remote, i, remotes,
            () -> stores.syncInfo().findByRemoteKey(key, remote), SyncInfo::localIssueKey,
            problems);
      }
      timesAndSequences(at, row, latest, problems);
    }
    missing(connector.tracker, connector.config.projectKey(), locals, ".localIssueKey", byRow);
    IssueTracker partner = trackers.get(connector.partner.key());
    if (partner != null) {
      missing(partner, connector.partner.projectKey(), remotes, ".remoteIssueKey", byRow);
    }
    List<ConfigurationProblem> all = new ArrayList<>();
    byRow.forEach(all::addAll);
    return all;
  }

  /**
   * A problem when the key is in an earlier row or already paired in the store; else the key is
   * {@code seen} at row {@code i}.
   */
  private static void once(String path, String issueKey, int i, Map<String, Integer> seen,
      Supplier<Optional<SyncInfo>> stored, Function<SyncInfo, String> pairedWith,
      List<ConfigurationProblem> problems) {
    if (seen.putIfAbsent(issueKey, i) != null) {
      problems.add(new ConfigurationProblem(path, "\"" + issueKey
          + "\" is also in row " + seen.get(issueKey)));
    } else {
      stored.get().ifPresent(r -> {
        seen.remove(issueKey);
        problems.add(new ConfigurationProblem(path, "\"" + issueKey
            + "\" is already paired with " + pairedWith.apply(r)));
      });
    }
  }

  private static void timesAndSequences(String at, SyncInfoImport row, long latest,
      List<ConfigurationProblem> problems) {
    time(at + ".firstSyncDate", row.firstSyncDate(), latest, problems);
    time(at + ".lastOutgoingChange", row.lastOutgoingChange(), latest, problems);
    time(at + ".lastChangeSeen", row.lastChangeSeen(), latest, problems);
    sequence(at + ".outgoingMessageSequenceId", row.outgoingMessageSequenceId(), problems);
    time(at + ".lastIncomingChange", row.lastIncomingChange(), latest, problems);
    sequence(at + ".incomingMessageSequenceId", row.incomingMessageSequenceId(), problems);
  }

  /** Whether the key is there, short enough for the store and of the project; else a problem. */
  private static boolean key(String path, String value, String project, Pattern form,
      int maxLength, List<ConfigurationProblem> problems) {
    if (value == null || value.isBlank()) {
      problems.add(new ConfigurationProblem(path, "missing"));
      return false;
    }
    if (value.length() > maxLength) {
      problems.add(new ConfigurationProblem(path, shown(value) + " is " + value.length()
          + " characters long; the store keeps issue keys of at most " + maxLength));
      return false;
    }
    if (!form.matcher(value).matches()) {
      problems.add(new ConfigurationProblem(path, shown(value)
          + " is not an issue key of project " + project + " (" + project + "-<number>)"));
      return false;
    }
    return true;
  }

  /**
   * Adds a problem for each key the tracker does not have in its project, searching {@link
   * #KEYS_PER_SEARCH} keys at a time.
   */
  private static void missing(IssueTracker tracker, String project, Map<String, Integer> keys,
      String field, List<List<ConfigurationProblem>> byRow) {
    List<String> all = new ArrayList<>(keys.keySet());
    for (int from = 0; from < all.size(); from += KEYS_PER_SEARCH) {
      List<String> batch = all.subList(from, Math.min(all.size(), from + KEYS_PER_SEARCH));
      Set<String> found = existing(tracker, project, batch);
      for (String k : batch) {
        if (!found.contains(k)) {
          int row = keys.get(k);
          byRow.get(row).add(new ConfigurationProblem("$[" + row + "]" + field, "\"" + k
              + "\" is not an issue of project " + project
              + " (it does not exist, was moved, or the sync user cannot see it)"));
        }
      }
    }
  }

  private static Set<String> existing(IssueTracker tracker, String project, List<String> batch) {
    Set<String> found = new HashSet<>();
    try {
      // The keys are well formed (PROJECT-digits), so they need no quoting in JQL.
      String jql = "key in (" + String.join(", ", batch) + ")";
      String token = null;
      int pages = 0;
      do {
        ChangePage page = tracker.findUpdatedSince(0, jql, KEYS_PER_SEARCH, token);
        page.issues().stream().map(IssueChanges::issue).forEach(i -> found.add(i.key()));
        token = page.nextPageToken();
      } while (token != null && ++pages < MAX_PAGES);
      return found;
    } catch (TrackerException refused) {
      // Jira refuses a whole "key in" search when one of its keys does not exist: ask one by one.
      found.clear();
      try {
        for (String k : batch) {
          tracker.issue(k).ifPresent(i -> found.add(i.key()));
        }
        return found;
      } catch (SyncException e) {
        throw unavailable(project, e);
      }
    } catch (SyncException e) {
      throw unavailable(project, e);
    }
  }

  private static AdminException unavailable(String project, SyncException e) {
    return new AdminException(503, "nothing imported: could not check that the issues exist in"
        + " project " + project + ": " + Shown.text(e.getMessage(), 300));
  }

  private static Pattern keyPattern(String project) {
    return Pattern.compile(Pattern.quote(project) + "-[1-9][0-9]{0,17}");
  }

  private static void time(String path, Long value, long latest,
      List<ConfigurationProblem> problems) {
    if (value != null && (value < 0 || value > latest)) {
      problems.add(new ConfigurationProblem(path, "must be a time in epoch milliseconds from 0"
          + " to a day after now (" + latest + "), was " + value));
    }
  }

  private static void sequence(String path, Long value, List<ConfigurationProblem> problems) {
    if (value != null && (value < 0 || value > MAX_SEQUENCE_ID)) {
      problems.add(new ConfigurationProblem(path, "must be from 0 to " + MAX_SEQUENCE_ID
          + ", was " + value));
    }
  }

  private static long or(Long value, long fallback) {
    return value == null ? fallback : value;
  }

  private static String shown(String value) {
    return Shown.quoted(value);
  }

}
