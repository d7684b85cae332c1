package org.backbonesync.transport;

import static org.backbonesync.transport.Envelopes.printable;
import static org.backbonesync.transport.EnvelopeBody.text;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import org.backbonesync.spi.message.StrictJson;
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

  /**
   * The attachment of a content request, checked: a known shape, sizes in range; each refusal
   * names the property and its value.
   */
  static Envelopes.Requested read(JsonNode root) {
    if (root.has("messages") || root.has("acked")) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "a content request with messages");
    }
    JsonNode a = root.path("attachment");
    if (!a.isObject()) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "no attachment object, was "
          + (a.isMissingNode() ? "missing" : StrictJson.shown(a, 80)));
    }
    for (Iterator<String> names = a.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!PROPERTIES.contains(name)) {
        throw new EnvelopeRejectedException(Reason.MALFORMED, "unknown attachment property \""
            + printable(name) + "\"");
      }
    }
    String id = text(a, "id");
    if (id.isEmpty() || id.length() > Contents.MAX_ID_LENGTH) {
      throw malformed(a, "id", "a text of 1 to " + Contents.MAX_ID_LENGTH + " characters");
    }
    String sha = text(a, "sha256");
    if (!Contents.SHA256.matcher(sha).matches()) {
      throw malformed(a, "sha256", "64 lower-case hex digits");
    }
    long size = bytes(a, "size", Long.MAX_VALUE, "a whole number of bytes from 0");
    long offset = bytes(a, "offset", size, "a whole number of bytes from 0 to the size, " + size);
    return new Envelopes.Requested(id, size, sha, offset);
  }

  /** A whole number from 0 to {@code most}, or the request refused naming it. */
  private static long bytes(JsonNode a, String name, long most, String must) {
    JsonNode n = a.path(name);
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0 || n.asLong() > most) {
      throw malformed(a, name, must);
    }
    return n.asLong();
  }

  private static EnvelopeRejectedException malformed(JsonNode a, String name, String must) {
    JsonNode value = a.get(name);
    return new EnvelopeRejectedException(Reason.MALFORMED, "attachment." + name + " must be "
        + must + ", was " + (value == null ? "missing" : StrictJson.shown(value, 80)));
  }
}
