package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.tracker.IssueChanges;

/**
 * The content operations a message carries, of every flow out of the connector: what changed
 * since the pair's links, or everything (a whole send). Reads the tracker and the links; writes
 * nothing (the links go with the message, see {@link Outbox#send}).
 */
final class OutgoingContent {
  /**
   * The operation that ends a flow's items sent whole: every item the sender has, so that the
   * receiver deletes its copies of others.
   */
  static final String COMPLETE = "complete";

  private final Connector connector;
  private final Stores stores;

  OutgoingContent(Connector connector, Stores stores) {
    this.connector = connector;
    this.stores = stores;
  }

  /**
   * The operations of each wanted flow, for the message's content section.
   *
   * @param rowId the pair's row, whose links say what the partner has; 0 to send everything (a
   *     new issue, or a partner row made again), which always goes, even with no item
   * @return each flow's outcome by id, with its operations and its links to keep when the message
   *     goes; a flow with no operation but link changes (copies deleted here) is returned too, so
   *     that its links are forgotten
   */
  Map<String, ContentFlow.Out> collect(IssueChanges changes, long rowId,
      Predicate<String> wanted) {
    return collect(wanted, rowId == 0,
        flow -> flow.outgoing(changes, stores.syncInfo(), rowId));
  }

  /**
   * The operations of each wanted flow for the issue sent whole (every item as new, which always
   * goes), with the items the pair's links mark carried ({@link ContentFlow#whole}).
   *
   * @param rowId the pair's row; 0 for none
   * @param carry whether every item of the sync user's that the row's links know is carried from
   *     now on: the row is linked again with a new copy after its partner issue was lost
   */
  Map<String, ContentFlow.Out> collectWhole(IssueChanges changes, long rowId, boolean carry,
      Predicate<String> wanted) {
    return collect(wanted, true, flow -> flow.whole(changes, stores.syncInfo(), rowId, carry));
  }

  private Map<String, ContentFlow.Out> collect(Predicate<String> wanted, boolean whole,
      Function<ContentFlow, ContentFlow.Out> outgoing) {
    if (connector.flowsOut.isEmpty()) {
      return Map.of(); // (no map per message when no content flows)
    }
    Map<String, ContentFlow.Out> outs = new LinkedHashMap<>();
    for (ContentFlow flow : connector.flowsOut) {
      if (!wanted.test(flow.id())) {
        continue;
      }
      ContentFlow.Out out = outgoing.apply(flow);
      if (out.ops().isEmpty() && !whole) {
        if (!out.links().isEmpty()) {
          outs.put(flow.id(), out);
        }
        continue;
      }
      if (out.unlinked()) {
        // every item goes as new: the partner deletes its copies of others (a row made again,
        // or items deleted here while no row knew them)
        out.ops().addObject().put("op", COMPLETE);
      }
      outs.put(flow.id(), out);
    }
    return outs;
  }

  /**
   * Whether a flow's operations are {@link #COMPLETE} alone: sent whole, and the sender has no
   * items (a new issue's receiver then has nothing to read or delete).
   */
  static boolean onlyComplete(JsonNode ops) {
    return ops.size() == 1 && ops.get(0).path("op").asText().equals(COMPLETE);
  }

  /** Whether a flow's operations hold {@link #COMPLETE}: its items sent whole. */
  static boolean complete(JsonNode ops) {
    if (ops != null) {
      for (JsonNode op : ops) {
        if (op.path("op").asText().equals(COMPLETE)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Every flow's operations; see {@link #collect(IssueChanges, long, Predicate)}. */
  Map<String, ContentFlow.Out> collect(IssueChanges changes, long rowId) {
    return collect(changes, rowId, id -> true);
  }

  /** Whether the outcomes have an operation to send. */
  static boolean sends(Map<String, ContentFlow.Out> outs) {
    return outs.values().stream().anyMatch(out -> !out.ops().isEmpty());
  }
}
