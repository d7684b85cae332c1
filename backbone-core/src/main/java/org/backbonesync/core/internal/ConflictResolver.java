package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.backbonesync.core.ConflictRule;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.spi.internal.SmallMap;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.spi.store.PendingChange;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * Decides, per field, what an incoming message may change on an existing issue.
 *
 * <p>A field of a two-way mapping changed on both sides is a conflict when the local change is
 * one the partner had not seen when it made its own: sent with a sequence id above the message's
 * {@code seenSequenceId}, or not sent yet (the local value differs from the last synced one). The
 * newer change wins by the two trackers' change times, connector A's on a tie, so both sides pick
 * the same winner in either arrival order and whatever their clocks; a {@link ConflictRule#MERGE}
 * mapping keeps the additions and removals of both: connector A merges and sends the result, and B
 * keeps its value until that result arrives, so there is one merge, not two that cross (from a
 * row of A that ignores B's changes, which merges none, B merges A's changes itself). With
 * responsibility configured and the local side responsible, the partner's changes are refused.
 * Every conflict and refusal is recorded. A resolution writes nothing: the caller applies and
 * records it.
 */
// About 300 lines: one job, each field's verdict, half of it the why of each case; its cases
// share one message's state, which a split would have to pass around.
final class ConflictResolver {
  /**
   * What to apply, what to record, and what to send back; {@code skippedTaken} names the merged
   * fields whose skipped base ({@link SkippedChanges}) this message takes up.
   */
  record Resolution(
      Map<String, FieldValue> apply,
      List<ConflictRecord> records,
      Map<String, FieldValue> sendBack,
      List<String> settled,
      Map<String, JsonNode> partnerValues,
      List<String> skippedTaken) {}

  private final Connector connector;
  private final SyncConfiguration configuration;
  private final IssueValues values;
  private final boolean oldestWins;

  ConflictResolver(Connector connector, SyncConfiguration configuration, IssueValues values,
      boolean oldestWins) {
    this.connector = connector;
    this.configuration = configuration;
    this.values = values;
    this.oldestWins = oldestWins;
  }

  /** Whether a message needs the local issue read to be resolved. */
  boolean needsLocalIssue(SyncMessage message) {
    if (configuration.responsibility().isPresent()) {
      return true;
    }
    for (String id : message.fields().keySet()) {
      Optional<FieldMapping> m = configuration.fieldMapping(id);
      if (m.isPresent() && m.get().direction() == Direction.BOTH && !special(id)) {
        return true;
      }
    }
    return false;
  }

  /** Content flows (comments, attachments, links) carry operations with their own rules. */
  private boolean special(String id) {
    return connector.flowIds.contains(id);
  }

  /**
   * @param skipped the bases of the partner's changes the row did not take ({@link
   *     SkippedChanges}), read only for a message with a merged field
   */
  Resolution resolve(SyncInfo row, SyncMessage message, TrackedIssue local,
      Map<String, JsonNode> synced, Map<String, PendingChange> pending,
      Supplier<Map<String, JsonNode>> skipped, long now) {
    return new Resolving(row, message, local, synced, pending, skipped, now).run();
  }

  /** One field of the message as both sides have it. */
  private record Field(String id, FieldValue remote, FieldMapping mapping,
      Connector.Outgoing out, JsonNode localValue) {}

  /** The resolution of one message: its inputs, and the decisions so far. */
  private final class Resolving {
    private final SyncInfo row;
    private final SyncMessage message;
    private final TrackedIssue local;
    private final Map<String, JsonNode> synced;
    private final Map<String, PendingChange> pending;
    private final Supplier<Map<String, JsonNode>> skipped;
    private final long now;
    private final boolean remoteIsA = !configuration.isA(connector.key());
    /**
     * People's changes not sent, read on first need (null until then): {@link
     * IssueValues#unsentChanges}.
     */
    private Map<String, Long> unsentAt;

    private final Map<String, FieldValue> apply;
    private final List<ConflictRecord> records = new ArrayList<>();
    private final List<String> settled; // ids are unique
    // the last two are rarely filled: made on their first entry
    private Map<String, FieldValue> sendBack = Map.of();
    private Map<String, JsonNode> partnerValues = Map.of();

    Resolving(SyncInfo row, SyncMessage message, TrackedIssue local,
        Map<String, JsonNode> synced, Map<String, PendingChange> pending,
        Supplier<Map<String, JsonNode>> skipped, long now) {
      this.row = row;
      this.message = message;
      this.local = local;
      this.synced = synced;
      this.pending = pending;
      this.skipped = skipped;
      this.now = now;
      this.apply = new SmallMap<>(message.fields().size());
      this.settled = new ArrayList<>(message.fields().size());
    }

    Resolution run() {
      boolean localResponsible = localResponsible(local);
      for (Map.Entry<String, FieldValue> e : message.fields().entrySet()) {
        String id = e.getKey();
        FieldValue remote = e.getValue();
        if (special(id)) {
          apply.put(id, remote);
          continue;
        }
        FieldMapping mapping = configuration.fieldMapping(id).orElseThrow();
        Connector.Outgoing out = mapping.direction() == Direction.BOTH ? outgoingOf(id) : null;
        JsonNode localValue = out == null ? NullNode.getInstance() : values.export(out, local);
        if (localResponsible) {
          records.add(record(row, id, localValue, remote, local.updated(),
              ConflictRecord.Winner.REJECTED, ConflictRecord.Rule.RESPONSIBILITY, now));
        } else if (out == null) {
          apply.put(id, remote); // one-way: the sending side owns the field
        } else {
          decide(new Field(id, remote, mapping, out, localValue));
        }
      }
      return new Resolution(apply, records, sendBack, settled, partnerValues, skippedTaken());
    }

    /** The merged fields of the message that had a skipped base: it is taken up now. */
    private List<String> skippedTaken() {
      List<String> taken = List.of();
      for (String id : apply.keySet()) {
        if (connector.merging.contains(id) && skipped.get().containsKey(id)) {
          taken = taken.isEmpty() ? new ArrayList<>() : taken;
          taken.add(id);
        }
      }
      return taken;
    }

    /** A two-way field: applied, kept, merged, or decided by the newer change. */
    private void decide(Field f) {
      PendingChange sent = pending.get(f.id());
      boolean unseen = sent != null && PartnerRows.seenOfOurs(message) < sent.sequenceId();
      // only a field that differs from the partner's last value can hold a change not sent
      Long changedLocally = f.localValue().equals(synced.get(f.id())) ? null : unsentTime(f);
      boolean unsent = changedLocally != null;
      if (!unseen && !unsent) {
        apply.put(f.id(), f.remote());
        settle(f.id(), sent);
      } else if (f.localValue().equals(f.remote().value())) {
        same(f, sent, unseen, changedLocally);
      } else {
        long localTime = unsent ? changedLocally : sent.changedAt();
        if (f.mapping().conflict() == ConflictRule.MERGE && SetMerge.isArrayish(f.localValue())
            && SetMerge.isArrayish(f.remote().value())) {
          merge(f, sent, unseen, changedLocally, localTime);
        } else {
          newest(f, sent, unseen, localTime);
        }
      }
    }

    /** The newest time of a person's change not sent to the field's source fields, or null. */
    private Long unsentTime(Field f) {
      Long newest = null;
      for (String field : f.out().mapping().sourceFields()) {
        if (unsentAt == null) {
          unsentAt = values.unsentChanges(row, local, now);
        }
        Long t = unsentAt.get(field);
        if (t != null && (newest == null || t > newest)) {
          newest = t;
        }
      }
      return newest;
    }

    /**
     * Both made the same change. The local one stays pending (a later message the partner sent
     * before seeing it may carry an older value that must lose against it). A local change not
     * sent yet is sent now, after any older one of ours still on its way, so the partner ends on
     * it even if it lets that older one win.
     */
    private void same(Field f, PendingChange sent, boolean unseen, Long changedLocally) {
      if (changedLocally != null) {
        sendBack = grown(sendBack);
        sendBack.put(f.id(), new FieldValue(f.localValue(), changedLocally,
            connector.config.syncUser()));
        return;
      }
      apply.put(f.id(), f.remote());
      if (unseen && !sent.holds(f.localValue()) && !f.localValue().equals(synced.get(f.id()))) {
        // Not the same change: the sync user wrote this message's value over ours (this
        // apply, before a crash kept it from being recorded), and no person since. Ours is
        // gone; kept pending, its time would win against later changes of the partner.
        settled.add(f.id());
      }
    }

    /**
     * A field whose concurrent changes merge (labels): A merges, B waits for A's merge; but not
     * for one from a row of A that ignores B's changes, which never comes: B merges A's then.
     * Nothing goes back to a row that ignores it.
     */
    private void merge(Field f, PendingChange sent, boolean unseen, Long changedLocally,
        long localTime) {
      String id = f.id();
      FieldValue remote = f.remote();
      boolean partnerIgnores = message.incomingChangesIgnored();
      if (remoteIsA && !partnerIgnores) {
        // Only connector A merges, so both sides end with one merge whatever crosses: B keeps
        // its value until A's merge (sent with A having seen B's change) arrives.
        records.add(record(row, id, f.localValue(), remote, localTime,
            ConflictRecord.Winner.LOCAL, ConflictRecord.Rule.MERGE, now));
        if (changedLocally != null) {
          // A has not got B's change yet: it goes now, against the value it replaced, so A's
          // merge sees it even if B's value is changed back before B's next poll (that poll
          // would take the change back to the last synced value for no change at all).
          sendBack = grown(sendBack);
          sendBack.put(id, new FieldValue(f.localValue(), changedLocally,
              connector.config.syncUser()));
        }
        return;
      }
      // The partner's own additions and removals: against the base of its changes this row did
      // not take (SkippedBase: those count as its own too, ours it took or made too as agreed),
      // else against the value its change replaced; without that, against the base this side
      // last shared.
      JsonNode kept = skipped.get().get(id);
      JsonNode base = kept == null ? null : SkippedBase.of(kept).baseFor(remote.previous());
      if (base == null) {
        base = remote.previous() != null ? remote.previous()
            : unseen ? sent.baseValue() : synced.get(id);
      }
      JsonNode merged = SetMerge.merge(base, f.localValue(), remote.value());
      FieldValue result = new FieldValue(merged, Math.max(localTime, remote.changedAt()),
          remote.changedBy());
      apply.put(id, result);
      // The partner holds its value, or, once it applies our change on its way (one it need not
      // wait on: it saw there the change of its own this row skipped), that change's value; the
      // merge goes back unless it is the one the partner ends with either way.
      boolean partnerEnds = merged.equals(remote.value())
          && (!unseen || merged.equals(sent.value()));
      if (!partnerEnds && !partnerIgnores) {
        sendBack = grown(sendBack);
        sendBack.put(id, result);
      }
      records.add(record(row, id, f.localValue(), remote, localTime,
          ConflictRecord.Winner.MERGED, ConflictRecord.Rule.MERGE, now));
    }

    /** The newer change wins, connector A's on a tie. */
    private void newest(Field f, PendingChange sent, boolean unseen, long localTime) {
      FieldValue remote = f.remote();
      boolean tie = remote.changedAt() == localTime;
      boolean remoteWins = wins(remote.changedAt(), localTime, remoteIsA);
      ConflictRecord.Rule rule = tie ? ConflictRecord.Rule.TIE_BREAK
          : ConflictRecord.Rule.NEWEST_WINS;
      if (remoteWins) {
        apply.put(f.id(), remote);
        settle(f.id(), sent);
      } else if (!unseen || wins(remote.changedAt(), sent.changedAt(), remoteIsA)) {
        // The local value stays, but the partner keeps its own: it had none of ours that it
        // has not seen, or the one on its way loses there against its change (the same rule
        // with the same times; ours won here only through a newer change not sent yet). The
        // partner holds the remote value, so the next poll sends the local one if it differs;
        // were the last synced value left at ours on the way, a person here changing the field
        // back to it would look like no change, and the sides would stay apart.
        partnerValues = grown(partnerValues);
        partnerValues.put(f.id(), remote.value());
      }
      records.add(record(row, f.id(), f.localValue(), remote, localTime,
          remoteWins ? ConflictRecord.Winner.REMOTE : ConflictRecord.Winner.LOCAL, rule, now));
    }

    /**
     * Settles a pending change of ours, if there is one: nothing to remove otherwise, and the
     * store is not asked to (on a database, a delete per field applied).
     */
    private void settle(String id, PendingChange sent) {
      if (sent != null) {
        settled.add(id);
      }
    }
  }

  /**
   * Whether a change made at {@code remoteAt} on the partner beats one made here at {@code
   * localAt}: the newer one, connector A's on a tie. Both sides apply it to the same two times,
   * so each can tell what the other decides.
   */
  private boolean wins(long remoteAt, long localAt, boolean remoteIsA) {
    if (remoteAt == localAt) {
      return remoteIsA;
    }
    return oldestWins ? remoteAt < localAt // test only: a broken rule
        : remoteAt > localAt;
  }

  /** A map to put into: {@code map} itself once it is one made here, else a new one. */
  private static <V> Map<String, V> grown(Map<String, V> map) {
    return map instanceof LinkedHashMap ? map : new LinkedHashMap<>(map);
  }

  private Connector.Outgoing outgoingOf(String id) {
    for (Connector.Outgoing out : connector.outgoing) {
      if (out.id().equals(id)) {
        return out;
      }
    }
    return null;
  }

  private boolean localResponsible(TrackedIssue local) {
    return configuration.responsibility().map(r -> {
      boolean sideA = configuration.isA(connector.key());
      FieldMapping m = configuration.fieldMapping(r.fieldMappingId()).orElseThrow();
      JsonNode value = local.field(sideA ? m.fieldA() : m.fieldB());
      return value.isTextual() && value.asText().equals(sideA ? r.valueA() : r.valueB());
    }).orElse(false);
  }

  private ConflictRecord record(SyncInfo row, String id, JsonNode localValue, FieldValue remote,
      long localTime, ConflictRecord.Winner winner, ConflictRecord.Rule rule, long now) {
    return new ConflictRecord(0, connector.key(), row.localIssueKey(), row.remoteIssueKey(), id,
        localValue, remote.value(), localTime, remote.changedAt(), winner, rule, now);
  }
}
