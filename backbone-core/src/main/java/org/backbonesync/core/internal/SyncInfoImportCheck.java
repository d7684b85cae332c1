package org.backbonesync.core.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.ConfigurationProblem;
import org.backbonesync.core.SyncInfoImport;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackerException;

/**
 * Checks the rows of one sync information import for a connector, every row before any is
 * written: keys present, well formed ({@code PROJECT-number} of the connector's project, and of
 * the partner's for the remote key), within the store's length limit, not paired already or
 * twice, issues that exist in the tracker (the partner's too when it is local to this engine),
 * not paired otherwise by the partner's rows (when it is local too), numbers in range. One check
 * per import; it reads the store and the trackers, writes nothing.
 */
final class SyncInfoImportCheck {
  /** Keys per existence search: Jira returns at most 100 issues per page. */
  static final int KEYS_PER_SEARCH = 100;
  /** The largest sequence id accepted: the original product's field is an integer. */
  static final long MAX_SEQUENCE_ID = Integer.MAX_VALUE;
  /** How far after now a time may be (clocks differ a little; microseconds differ a lot). */
  static final Duration MAX_FUTURE = Duration.ofDays(1);
  /**
   * Why a row without a partner key is refused: one written by hand lacks it, and {@code GET}
   * shows rows with it null (a copy waiting for its partner's answer, a row unlinked after a Jira
   * restore), which an operator moving a store by export and import needs to know to leave out.
   */
  static final String NO_PARTNER = "missing (rows GET shows with remoteIssueKey null, a copy"
      + " waiting for its partner's key or a row unlinked after a Jira restore, cannot be"
      + " imported: leave those out)";

  /** Pages read per existence search at most, against a tracker that never ends one. */
  private static final int MAX_PAGES = 100;

  private final Connector connector;
  private final SyncInfoStore store;
  private final Map<String, IssueTracker> trackers;
  private final int maxKeyLength;
  private final long latest;
  private final Pattern localKeys;
  private final Pattern remoteKeys;
  /** The keys seen so far, each with the row it is in. */
  private final Map<String, Integer> locals = new LinkedHashMap<>();
  private final Map<String, Integer> remotes = new LinkedHashMap<>();
  /** The creation time of each local issue found, by key. */
  private final Map<String, Long> localCreated = new HashMap<>();

  /** @param trackers the trackers of this engine's connectors by connector key */
  SyncInfoImportCheck(Connector connector, SyncInfoStore store, Clock clock,
      Map<String, IssueTracker> trackers) {
    this.connector = connector;
    this.store = store;
    this.trackers = trackers;
    this.maxKeyLength = store.maxIssueKeyLength();
    this.latest = clock.millis() + MAX_FUTURE.toMillis();
    this.localKeys = Arguments.issueKeyOf(connector.config.projectKey());
    this.remoteKeys = Arguments.issueKeyOf(connector.partner.projectKey());
  }

  /** Every problem of the rows, each with its row index, in row order. */
  List<ConfigurationProblem> problems(List<SyncInfoImport> rows) {
    List<List<ConfigurationProblem>> byRow = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      byRow.add(row(i, rows.get(i)));
    }
    localCreated.putAll(missing(connector.tracker, connector.config.projectKey(), locals,
        ".localIssueKey", byRow));
    IssueTracker partner = trackers.get(connector.partner.key());
    if (partner != null) {
      partnerAgrees(byRow);
      missing(partner, connector.partner.projectKey(), remotes, ".remoteIssueKey", byRow);
    }
    List<ConfigurationProblem> all = new ArrayList<>();
    byRow.forEach(all::addAll);
    return all;
  }

  /** The problems of row {@code i} found without the trackers. */
  private List<ConfigurationProblem> row(int i, SyncInfoImport row) {
    List<ConfigurationProblem> problems = new ArrayList<>();
    String at = "$[" + i + "]";
    if (row == null) {
      problems.add(new ConfigurationProblem(at, "must be an object"));
      return problems;
    }
    String key = connector.key();
    String local = row.localIssueKey();
    if (key(at + ".localIssueKey", local, connector.config.projectKey(), localKeys,
        maxKeyLength, problems)) {
      once(at + ".localIssueKey", local, i, locals,
          () -> store.findByLocalKey(key, local), SyncInfo::remoteIssueKey, problems);
    }
    String remote = row.remoteIssueKey();
    if (remote == null) {
      problems.add(new ConfigurationProblem(at + ".remoteIssueKey", NO_PARTNER));
    } else if (key(at + ".remoteIssueKey", remote, connector.partner.projectKey(), remoteKeys,
        maxKeyLength, problems)) {
      once(at + ".remoteIssueKey", remote, i, remotes,
          () -> store.findByRemoteKey(key, remote), SyncInfo::localIssueKey, problems);
    }
    timesAndSequences(at, row, latest, problems);
    return problems;
  }

  /**
   * With the partner connector in this engine (its rows in this store), a problem for each row
   * whose keys both passed that the partner's rows pair either issue with another: the pair
   * would contradict them, and the partner's messages for it would fail or be dropped. Two
   * lookups for the whole import, not two per row.
   */
  private void partnerAgrees(List<List<ConfigurationProblem>> byRow) {
    String partner = connector.partner.key();
    Map<String, SyncInfo> byPartnerLocal = store.findByLocalKeys(partner, remotes.keySet());
    Map<String, SyncInfo> byPartnerRemote = store.findByRemoteKeys(partner, locals.keySet());
    Map<Integer, String> localOfRow = new HashMap<>();
    locals.forEach((local, i) -> localOfRow.put(i, local));
    remotes.forEach((remote, i) -> {
      String local = localOfRow.get(i);
      if (local == null) {
        return; // (the row's local key has a problem of its own)
      }
      String at = "$[" + i + "]";
      SyncInfo theirs = byPartnerLocal.get(remote);
      if (theirs != null && theirs.remoteIssueKey() != null
          && !theirs.remoteIssueKey().equals(local)) {
        byRow.get(i).add(new ConfigurationProblem(at + ".remoteIssueKey", "\"" + remote
            + "\" is paired with " + theirs.remoteIssueKey() + " in connector " + partner
            + "'s sync information"));
      }
      theirs = byPartnerRemote.get(local);
      if (theirs != null && !theirs.localIssueKey().equals(remote)) {
        byRow.get(i).add(new ConfigurationProblem(at + ".localIssueKey", "\"" + local
            + "\" is paired with " + theirs.localIssueKey() + " in connector " + partner
            + "'s sync information"));
      }
    });
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
        String partner = pairedWith.apply(r);
        // (a row of a copy being created has no partner key until the partner answers)
        problems.add(new ConfigurationProblem(path, "\"" + issueKey + "\" is already paired"
            + (partner == null ? " and waiting for its partner's key" : " with " + partner)));
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
   * When the local issue of a checked row was created, epoch millis on its tracker's clock; 0
   * when the check did not find it.
   */
  long localCreated(String localKey) {
    return localCreated.getOrDefault(localKey, 0L);
  }

  /**
   * Adds a problem for each key the tracker does not have in its project, searching {@link
   * #KEYS_PER_SEARCH} keys at a time; the creation time of each one found, by key.
   */
  private static Map<String, Long> missing(IssueTracker tracker, String project,
      Map<String, Integer> keys, String field, List<List<ConfigurationProblem>> byRow) {
    List<String> all = new ArrayList<>(keys.keySet());
    Map<String, Long> created = new HashMap<>();
    for (int from = 0; from < all.size(); from += KEYS_PER_SEARCH) {
      List<String> batch = all.subList(from, Math.min(all.size(), from + KEYS_PER_SEARCH));
      Map<String, Long> found = existing(tracker, project, batch);
      created.putAll(found);
      for (String k : batch) {
        if (!found.containsKey(k)) {
          int row = keys.get(k);
          byRow.get(row).add(new ConfigurationProblem("$[" + row + "]" + field, "\"" + k
              + "\" is not an issue of project " + project
              + " (it does not exist, was moved, or the sync user cannot see it)"));
        }
      }
    }
    return created;
  }

  /** The issues of the batch the tracker has, each with its creation time. */
  private static Map<String, Long> existing(IssueTracker tracker, String project,
      List<String> batch) {
    Map<String, Long> found = new HashMap<>();
    try {
      // The keys are well formed (PROJECT-digits), so they need no quoting in JQL.
      String jql = "key in (" + String.join(", ", batch) + ")";
      String token = null;
      int pages = 0;
      do {
        ChangePage page = tracker.findUpdatedSince(0, jql, KEYS_PER_SEARCH, token);
        page.issues().stream().map(IssueChanges::issue)
            .forEach(i -> found.put(i.key(), i.created()));
        token = page.nextPageToken();
      } while (token != null && ++pages < MAX_PAGES);
      return found;
    } catch (TrackerException refused) {
      // Jira refuses a whole "key in" search when one of its keys does not exist: ask one by one.
      found.clear();
      try {
        for (String k : batch) {
          tracker.issue(k).ifPresent(i -> found.put(i.key(), i.created()));
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

  private static String shown(String value) {
    return Shown.quoted(value);
  }
}
