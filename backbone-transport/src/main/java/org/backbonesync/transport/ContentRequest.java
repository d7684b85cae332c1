package org.backbonesync.transport;

import static org.backbonesync.transport.Envelopes.printable;
import static org.backbonesync.transport.EnvelopeBody.text;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;

/**
 * The {@code attachment} object of a {@code content} envelope (see {@link Envelopes}): the
 * attachment's id, size and SHA-256 and the byte offset to start at, written and read back
 * checked.
 */
final class ContentRequest {
  private static final Set<String> PROPERTIES = Set.of("id", "size", "sha256", "offset");

  private ContentRequest() {}

  /** Writes the {@code attachment} object. */
  static void write(JsonGenerator g, Envelopes.Requested attachment) throws IOException {
    g.writeObjectFieldStart("attachment");
    g.writeStringField("id", attachment.id());
    g.writeNumberField("size", attachment.size());
    g.writeStringField("sha256", attachment.sha256());
    g.writeNumberField("offset", attachment.offset());
    g.writeEndObject();
  }

  /** The attachment of a content request, checked: a known shape, sizes in range. */
  static Envelopes.Requested read(JsonNode root) {
    if (root.has("messages") || root.has("acked")) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "a content request with messages");
    }
    JsonNode a = root.path("attachment");
    if (!a.isObject()) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "no attachment object");
    }
    for (Iterator<String> names = a.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!PROPERTIES.contains(name)) {
        throw new EnvelopeRejectedException(Reason.MALFORMED, "unknown attachment property \""
            + printable(name) + "\"");
      }
    }
    String id = text(a, "id");
    String sha = text(a, "sha256");
    if (id.isEmpty() || id.length() > Contents.MAX_ID_LENGTH
        || !Contents.SHA256.matcher(sha).matches()
        || !a.path("size").canConvertToLong() || !a.path("size").isIntegralNumber()
        || !a.path("offset").canConvertToLong() || !a.path("offset").isIntegralNumber()) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "attachment id (1 to "
          + Contents.MAX_ID_LENGTH + " characters), size, sha256 (64 hex digits) or offset"
          + " missing or not of their type");
    }
    long size = a.get("size").asLong();
    long offset = a.get("offset").asLong();
    if (size < 0 || offset < 0 || offset > size) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "attachment size " + size
          + " and offset " + offset + " are out of range");
    }
    return new Envelopes.Requested(id, size, sha, offset);
  }
}
