package org.backbonesync.spi.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Imports a value from an issue synchronization message into a local issue.
 *
 * <p>When the message creates a new issue, a mapping of a built-in type whose {@link
 * #targetFields()} are all on the create screen contributes to the create; every other mapping,
 * and every mapping of a custom type even when its fields are on the create screen, contributes
 * to one update right after it (as in the original product; {@link MappingContext#creating()} is
 * true there too). So a custom mapping cannot fill a field the create screen requires: the
 * engine refuses such a configuration when it is built. Implementations must be stateless and
 * thread-safe.
 */
public interface IncomingFieldMapping {

  /** The tracker field ids this mapping may write. */
  Set<String> targetFields();

  /**
   * Writes the fields that represent {@code value} into {@code updates}.
   *
   * @param value the value from the message (JSON null for empty), as the partner's outgoing
   *     mapping exported it. Read-only: write a {@code deepCopy()} where you need a changed one.
   *     (The engine hands each call its own copy of an array or object, so that a mapping that
   *     changes it anyway changes neither the stored message, which a retry reads again, nor the
   *     sender's values; the testkit's {@code FieldMappingTester} fails such an import.)
   * @throws org.backbonesync.spi.SyncException when the value cannot be imported; the message is
   *     then kept as failed with {@code incoming field mapping <id> refused value <value>: } and
   *     this exception's text (its text alone when it names a field mapping: {@link
   *     org.backbonesync.spi.SyncException#fieldMappingId()} set). A {@link
   *     org.backbonesync.spi.RetriableException} (a tracker call that may succeed later) keeps
   *     the message to be tried again, as it is
   */
  void importValue(JsonNode value, FieldUpdates updates, MappingContext context);
}
