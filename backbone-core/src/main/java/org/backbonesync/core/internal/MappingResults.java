package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.tracker.TrackerException;

/**
 * What the engine takes from a field mapping's calls, and the words it refuses the rest with:
 * checked where the engine calls a mapping and by the testkit's {@code FieldMappingTester} (this
 * package is exported to the testkit for it alone), so that a mapping author's test refuses what
 * an engine will. Not API.
 */
public final class MappingResults {
  private MappingResults() {}

  /**
   * An outgoing mapping's export of an issue, as the engine takes it.
   *
   * @throws SyncException when it is Java null (an empty value is JSON null), naming the mapping
   *     and the issue
   */
  public static JsonNode exported(JsonNode value, String mappingId, String connectorKey,
      String issueKey) {
    if (value == null) {
      throw new SyncException("outgoing field mapping " + mappingId + " returned Java null for "
          + issueKey + "; it must return JSON null for an empty value",
          null, connectorKey, issueKey, mappingId);
    }
    return value;
  }

  /**
   * A value an incoming mapping sets, as {@code FieldUpdates.set} takes it.
   *
   * @throws IllegalArgumentException when the field is not one of the mapping's target fields,
   *     or the value is Java null (JSON null clears a field), naming the mapping and the field
   */
  public static JsonNode written(String mappingId, Set<String> targets, String field,
      JsonNode value) {
    target(mappingId, targets, field);
    if (value == null) {
      throw new IllegalArgumentException("incoming field mapping " + mappingId + " set " + field
          + " to Java null; it must set JSON null (NullNode.getInstance()) to clear a field");
    }
    return value;
  }

  /**
   * A field an incoming mapping writes (a value, a status to reach, links).
   *
   * @throws IllegalArgumentException when it is not one of the mapping's target fields
   */
  public static void target(String mappingId, Set<String> targets, String field) {
    if (!targets.contains(field)) {
      throw new IllegalArgumentException(
          "incoming field mapping " + mappingId + " may write " + targets + ", not " + field);
    }
  }

  /**
   * The problem with a half a provider made (its {@code outgoing} or {@code incoming}), at the
   * mapping's {@code type}, as the engine's build and the testkit's tester report it: {@code
   * mapping type "acme.x" (com.acme.X) made an outgoing mapping for m1 that reads ...}.
   */
  public static String madeWrong(String type, Object provider, String what) {
    return "mapping type \"" + type + "\" (" + provider.getClass().getName() + ") made " + what;
  }

  /**
   * The problem a provider's {@code validate} that threw is reported as, at the mapping's {@code
   * type}, by the engine's configuration check and by the testkit's tester alike.
   */
  public static String checkFailed(String type, Object provider, String mappingId,
      RuntimeException e) {
    return "mapping type \"" + type + "\" (" + provider.getClass().getName()
        + ") failed checking " + mappingId + ": " + e;
  }

  /**
   * What an exception an outgoing mapping's export threw fails the export with: a {@code
   * SyncException} as it is, any other wrapped naming the mapping, the issue and the exception.
   */
  public static SyncException exportFailed(RuntimeException e, String mappingId,
      String connectorKey, String issueKey) {
    if (e instanceof SyncException sync) {
      return sync;
    }
    return new SyncException("outgoing field mapping " + mappingId + " failed on " + issueKey
        + ": " + e, e, connectorKey, issueKey, mappingId);
  }

  /**
   * What an exception an incoming mapping's import threw fails the message with. A mapping's
   * refusal of a value ({@code SyncException}) gets the mapping and the value named in front of
   * its text when it names no field mapping ({@code new SyncException("priority \"Blocker\" has
   * no row")}), permanent as it was, or transient with its wait (a mapping's own {@code
   * RetriableException("try later")}); a tracker's answer, one that names a field mapping already
   * and a retriable subclass are kept as they are. Any other exception is wrapped naming the
   * mapping and the value: an argument refused (the engine's checks of what the mapping set
   * among them) says why in its text, another (a {@code NullPointerException}) needs its class.
   *
   * @param connectorKey the connector applying the value
   * @param issueKey the issue the message is about (its sender's key)
   */
  public static SyncException importFailed(RuntimeException ex, String mappingId,
      JsonNode value, String connectorKey, String issueKey) {
    String shown = Shown.text(String.valueOf(value), Shown.MAX);
    if (!(ex instanceof SyncException sync)) {
      return new SyncException("incoming field mapping " + mappingId + " failed on value "
          + shown + ": " + (ex instanceof IllegalArgumentException ? ex.getMessage() : ex),
          ex, connectorKey, issueKey, mappingId);
    }
    if (sync instanceof TrackerException || sync.fieldMappingId() != null) {
      return sync;
    }
    if (sync.getClass() == RetriableException.class) {
      return new RetriableException("incoming field mapping " + mappingId
          + " failed for now on value " + shown + ": " + sync.getMessage(), sync,
          ((RetriableException) sync).retryAfter().orElse(null));
    }
    if (sync.isRetriable()) {
      return sync; // (a subclass, such as a rate limit a tracker call met: kept as its class says)
    }
    return new SyncException("incoming field mapping " + mappingId + " refused value " + shown
        + ": " + sync.getMessage(), sync, connectorKey, issueKey, mappingId);
  }
}
