package org.backbonesync.testkit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.FieldMappingRegistry;
import org.backbonesync.core.internal.Shown;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * What {@link SyncTestDriver#runUntilQuiet()} refuses to call quiet: failures that stand once
 * nothing moves, each of which a test would otherwise meet later as a missing issue or value, far
 * from its cause. Not thread-safe, as the driver.
 */
final class StandingFailures {
  /** How the engine's text of an incoming field mapping's failure begins. */
  private static final String INCOMING_MAPPING = "incoming field mapping ";

  private final SyncTestDriver sync;
  private final RefusedValues refusals;
  private final FieldMappingRegistry types;

  StandingFailures(SyncTestDriver sync, RefusedValues refusals, FieldMappingRegistry types) {
    this.sync = sync;
    this.refusals = refusals;
    this.types = types;
  }

  /**
   * Marks the start of a run: what failed before it is not the run's.
   *
   * @param listsFailed whether the run will list the messages that failed in it (which reads
   *     the failed messages now: a run that only checks reads no store)
   */
  Run start(boolean listsFailed) {
    return new Run(listsFailed ? failedIds() : Set.of());
  }

  /** One run's checks, against what stood when it started. */
  final class Run {
    private final int mappingFailures = incomingMappingFailures();
    private final int refusalsHeard = refusals.count();
    private final Set<String> failedBefore;

    private Run(Set<String> failedBefore) {
      this.failedBefore = failedBefore;
    }

    /**
     * Fails when the quiet round's polls could not export an issue: it fails again at every poll,
     * so "quiet" would hide that its change never reaches the partner (a mapping that throws, a
     * tracker that refuses to read it).
     *
     * @param exportFailuresBefore how many export failures there were before the quiet round
     */
    void refuseExportFailures(int exportFailuresBefore) {
      List<RecordingListener.Event> all =
          sync.events().events(RecordingListener.Type.EXPORT_FAILED);
      List<String> failed = new ArrayList<>();
      for (RecordingListener.Event e
          : all.subList(Math.min(exportFailuresBefore, all.size()), all.size())) {
        failed.add(e.connectorKey() + " " + e.detail());
      }
      if (!failed.isEmpty()) {
        throw new IllegalStateException("sync quiet but for changes that fail to export at"
            + " every poll (see events() for EXPORT_FAILED; runFor(Duration) runs without this"
            + " check): " + String.join("; ", failed));
      }
    }

    /**
     * Fails when a message failed for good in this run because of a custom field mapping: the
     * mapping refused its value, threw or set what it may not, or the tracker refused a field it
     * wrote. The message waits for an admin, so the partner never gets the change. A built-in
     * mapping's value the tracker refused (a priority the partner lacks) is a test's business.
     */
    void refuseFailedMessages() {
      if (incomingMappingFailures() != mappingFailures) {
        refuseIncomingMappingFailures();
      }
      refuseRefusedValues();
    }

    /** The messages that failed for good in this run and still wait for an admin. */
    List<InboxEntry> failedMessages() {
      List<InboxEntry> failed = new ArrayList<>();
      for (String key : List.of(sync.keyA(), sync.keyB())) {
        sync.engine().failedMessages(key).stream()
            .filter(e -> !failedBefore.contains(key + " " + e.message().messageId()))
            .forEach(failed::add);
      }
      return failed;
    }

    private void refuseRefusedValues() {
      List<String> refused = new ArrayList<>();
      Set<String> failedNow = null;
      for (RefusedValues.Refusal r : refusals.since(refusalsHeard)) {
        FieldMapping mapping = sync.configuration().fieldMapping(r.fieldMappingId()).orElse(null);
        if (mapping == null || types.isBuiltIn(mapping.type())) {
          continue;
        }
        failedNow = failedNow == null ? failedIds() : failedNow;
        if (failedNow.contains(r.connectorKey() + " " + r.message().messageId())) {
          refused.add(describe(r, mapping));
        }
      }
      if (!refused.isEmpty()) {
        throw new IllegalStateException("sync quiet but for messages that failed for good because"
            + " the tracker refused a value a custom field mapping wrote (see"
            + " engine().failedMessages(key); runUntilQuietExpectingFailures() returns them"
            + " instead, runFor(Duration) runs without this check): " + String.join("; ", refused));
      }
    }
  }

  /**
   * "PB PA-1 #1: customfield_10020 (string) from incoming field mapping map-x (type acme.x),
   * given 42, refused: Not a valid string for field Story".
   */
  private String describe(RefusedValues.Refusal r, FieldMapping mapping) {
    FieldValue given = r.message().fields().get(r.fieldMappingId());
    return r.connectorKey() + " " + r.message().sourceIssueKey() + " #" + r.message().sequenceId()
        + ": " + r.field() + schema(r.connectorKey(), r.field()) + " from incoming field mapping "
        + r.fieldMappingId() + " (type " + mapping.type() + "), given "
        + Shown.text(String.valueOf(given == null ? null : given.value()), 80)
        + ", refused: " + r.error();
  }

  /** " (string)", the field's schema in the project that refused it, or "" when it has none. */
  private String schema(String connectorKey, String field) {
    InMemoryIssueTracker project = connectorKey.equals(sync.keyA()) ? sync.a() : sync.b();
    return project.fields().stream().filter(f -> f.id().equals(field)).findFirst()
        .map(FieldSchema::describe).map(s -> " (" + s + ")").orElse("");
  }

  /** Messages failed for good by an incoming field mapping so far, as the listener heard. */
  private int incomingMappingFailures() {
    return (int) sync.events().events(RecordingListener.Type.FAILED).stream()
        .filter(e -> e.detail().startsWith("permanently: " + INCOMING_MAPPING)).count();
  }

  /**
   * Fails when an incoming field mapping failed a message for good: the message waits for an
   * admin, so "quiet" would hide that the partner never gets the change (a test would fail later
   * on a missing issue or value, far from the mapping's error).
   */
  private void refuseIncomingMappingFailures() {
    List<String> failed = new ArrayList<>();
    for (String key : List.of(sync.keyA(), sync.keyB())) {
      sync.engine().failedMessages(key).stream()
          .filter(e -> e.error().startsWith(INCOMING_MAPPING))
          .forEach(e -> failed.add(key + " " + e.message().sourceIssueKey() + " #"
              + e.message().sequenceId() + ": " + e.error()));
    }
    if (!failed.isEmpty()) {
      throw new IllegalStateException("sync quiet but for messages an incoming field mapping"
          + " failed for good (see engine().failedMessages(key); runFor(Duration) runs without"
          + " this check): " + String.join("; ", failed));
    }
  }

  /** "PB id" of each message failed for good now, in both connectors. */
  private Set<String> failedIds() {
    Set<String> ids = new HashSet<>();
    for (String key : List.of(sync.keyA(), sync.keyB())) {
      sync.engine().failedMessages(key).forEach(e -> ids.add(key + " " + e.message().messageId()));
    }
    return ids;
  }
}
