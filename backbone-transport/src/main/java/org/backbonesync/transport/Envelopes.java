package org.backbonesync.transport;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.MessageFormatException;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;

/**
 * The signed envelope both transports carry: one header line {@code BACKBONE-ENVELOPE/1 <keyId>
 * <signature>} and a JSON body. The signature is HMAC-SHA256 over the header's first two fields
 * and the body's exact bytes; the body names the kind ({@code messages} or {@code acks}), an
 * envelope id, the synchronization, the sending and receiving connectors and a timestamp. On
 * opening, the size is checked while reading, the signature before any parsing, and the shape
 * limits while parsing.
 */
final class Envelopes {
  static final String MAGIC = "BACKBONE-ENVELOPE/1";
  static final String MESSAGES = "messages";
  static final String ACKS = "acks";
  private static final int MAX_HEADER = 256;
  private static final MessageCodec CODEC = new MessageCodec();
  private static final ObjectMapper PLAIN = new ObjectMapper();

  private Envelopes() {}

  /** An envelope that passed every check. */
  record Opened(String kind, String envelopeId, String from, String to, long timestamp,
      List<SyncMessage> messages, List<String> acked) {}

  /** Seals messages (as the codec encodes them) or acknowledged message ids. */
  static byte[] seal(EnvelopeSecurity security, String kind, String from, String to,
      List<byte[]> messages, List<String> acked) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (JsonGenerator g = PLAIN.getFactory().createGenerator(body)) {
      g.writeStartObject();
      g.writeStringField("format", "backbone-envelope");
      g.writeNumberField("version", 1);
      g.writeStringField("kind", kind);
      g.writeStringField("envelopeId", UUID.randomUUID().toString());
      g.writeStringField("synchronizationId", security.synchronizationId());
      g.writeStringField("from", from);
      g.writeStringField("to", to);
      g.writeNumberField("timestamp", security.clock().millis());
      if (kind.equals(MESSAGES)) {
        g.writeArrayFieldStart("messages");
        for (byte[] m : messages) {
          g.writeRawValue(new String(m, StandardCharsets.UTF_8));
        }
        g.writeEndArray();
      } else {
        g.writeArrayFieldStart("acked");
        for (String id : acked) {
          g.writeString(id);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] bytes = body.toByteArray();
    String keyId = security.signingKeyId();
    String signature = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac(security.secret(keyId), keyId, bytes));
    byte[] header = (MAGIC + " " + keyId + " " + signature + "\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[header.length + bytes.length];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(bytes, 0, out, header.length, bytes.length);
    return out;
  }

  private static byte[] mac(byte[] secret, String keyId, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update((MAGIC + "\n" + keyId + "\n").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /**
   * Reads and checks an envelope: at most the header line and {@code maxEnvelopeBytes} of body
   * are read, whatever the stream holds.
   *
   * @throws EnvelopeRejectedException with the reason, before anything is trusted
   */
  static Opened open(EnvelopeSecurity security, InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0 || line.size() >= MAX_HEADER) {
        throw new EnvelopeRejectedException(Reason.MALFORMED, "no envelope header line");
      }
      line.write(b);
    }
    String[] header = line.toString(StandardCharsets.US_ASCII).split(" ");
    if (header.length != 3 || !header[0].equals(MAGIC)) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "the header line is not \""
          + MAGIC + " <keyId> <signature>\"");
    }
    String keyId = header[1];
    byte[] secret = security.secret(keyId);
    if (secret == null) {
      throw new EnvelopeRejectedException(Reason.UNKNOWN_KEY, "no key \"" + printable(keyId)
          + "\" here");
    }
    long max = security.maxEnvelopeBytes();
    byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    if (body.length > max) {
      throw new EnvelopeRejectedException(Reason.TOO_LARGE, "more than " + max + " bytes");
    }
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(header[2]);
    } catch (IllegalArgumentException e) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "the signature is not base64url");
    }
    if (!MessageDigest.isEqual(given, mac(secret, keyId, body))) {
      throw new EnvelopeRejectedException(Reason.BAD_SIGNATURE, "the signature does not match"
          + " the body under key " + keyId);
    }
    JsonNode root = parse(security, body);
    return check(security, root);
  }

  private static JsonNode parse(EnvelopeSecurity security, byte[] body) {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(security.maxNesting())
            .maxStringLength((int) Math.min(Integer.MAX_VALUE, security.maxEnvelopeBytes()))
            .maxNumberLength(64)
            .build())
        .build();
    try {
      return new ObjectMapper(factory).readTree(body);
    } catch (StreamConstraintsException e) {
      throw new EnvelopeRejectedException(Reason.LIMIT, e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "the body is not JSON: "
          + e.getOriginalMessage());
    } catch (IOException e) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "the body cannot be read");
    }
  }

  private static Opened check(EnvelopeSecurity security, JsonNode root) {
    if (root == null || !root.isObject() || !"backbone-envelope".equals(root.path("format")
        .asText()) || root.path("version").asInt() != 1) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "not a version 1 backbone envelope");
    }
    String sync = root.path("synchronizationId").asText("");
    if (!sync.equals(security.synchronizationId())) {
      throw new EnvelopeRejectedException(Reason.WRONG_SYNCHRONIZATION, "for synchronization \""
          + printable(sync) + "\", this is \"" + security.synchronizationId() + "\"");
    }
    String kind = root.path("kind").asText("");
    String from = root.path("from").asText("");
    String to = root.path("to").asText("");
    String id = root.path("envelopeId").asText("");
    if (!(kind.equals(MESSAGES) || kind.equals(ACKS)) || from.isEmpty() || to.isEmpty()
        || id.isEmpty() || !root.path("timestamp").canConvertToExactIntegral()) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "kind, envelopeId, from, to or"
          + " timestamp missing");
    }
    long timestamp = root.path("timestamp").asLong();
    long now = security.clock().millis();
    long window = security.window().toMillis();
    if (Math.abs(now - timestamp) > window) {
      throw new EnvelopeRejectedException(Reason.STALE, "envelope " + printable(id)
          + " was sealed at " + java.time.Instant.ofEpochMilli(timestamp) + ", "
          + java.time.Duration.ofMillis(Math.abs(now - timestamp)).toSeconds()
          + " s from now; accepted within " + security.window().toSeconds() + " s");
    }
    List<SyncMessage> messages = new ArrayList<>();
    List<String> acked = new ArrayList<>();
    JsonNode list = root.path(kind.equals(MESSAGES) ? "messages" : "acked");
    if (!list.isArray()) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "no " + (kind.equals(MESSAGES)
          ? "messages" : "acked") + " array");
    }
    if (list.size() > security.maxMessages()) {
      throw new EnvelopeRejectedException(Reason.LIMIT, list.size() + " entries; at most "
          + security.maxMessages());
    }
    for (JsonNode item : list) {
      if (kind.equals(ACKS)) {
        acked.add(item.asText());
        continue;
      }
      SyncMessage m;
      try {
        m = CODEC.decode(item); // parsed once, under the envelope's limits
      } catch (MessageFormatException e) {
        throw new EnvelopeRejectedException(Reason.MALFORMED, "a message is malformed: "
            + e.getMessage());
      }
      if (!m.synchronizationId().equals(sync)) {
        throw new EnvelopeRejectedException(Reason.WRONG_SYNCHRONIZATION, "message "
            + m.messageId() + " is for synchronization " + m.synchronizationId());
      }
      if (!m.fromConnector().equals(from) || !m.toConnector().equals(to)) {
        throw new EnvelopeRejectedException(Reason.NOT_PARTNER, "message " + m.messageId()
            + " goes from " + m.fromConnector() + " to " + m.toConnector()
            + ", the envelope from " + from + " to " + to);
      }
      messages.add(m);
    }
    return new Opened(kind, id, from, to, timestamp, messages, acked);
  }

  /** A value from outside, made safe to log: printable ASCII, at most 80 characters. */
  static String printable(String s) {
    String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
  }
}
