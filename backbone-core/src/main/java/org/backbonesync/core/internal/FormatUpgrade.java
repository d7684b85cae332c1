package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.SyncMessage;

/**
 * Reads a message of an earlier format, queued before an upgrade, as this version does: content
 * operations it carried in {@code fields} move to {@code content}.
 */
final class FormatUpgrade {
  private FormatUpgrade() {}

  /**
   * The message as this version reads it: a message of an earlier format (queued before an
   * upgrade) carried content operations in {@code fields}, under the id of their mapping
   * (comments and attachments before version 3, issue links as a list before version 4); they
   * move to {@code content}. Any other message is returned as it is.
   */
  static SyncMessage current(SyncMessage message, Connector connector) {
    if (message.formatVersion() >= MessageCodec.FORMAT_VERSION || connector.flowIds.isEmpty()
        || Collections.disjoint(message.fields().keySet(), connector.flowIds)) {
      return message;
    }
    Map<String, FieldValue> fields = new LinkedHashMap<>(message.fields());
    Map<String, JsonNode> content = new LinkedHashMap<>(message.content());
    for (String id : connector.flowIds) {
      FieldValue ops = fields.remove(id);
      if (ops != null) {
        content.put(id, ops.value());
      }
    }
    return message.withValues(MessageCodec.FORMAT_VERSION, fields, content);
  }
}
