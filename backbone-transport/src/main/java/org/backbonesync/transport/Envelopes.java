package org.backbonesync.transport;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntConsumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.backbonesync.spi.internal.ParserPlace;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.StrictJson;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;

/**
 * The signed envelope both transports carry: one header line {@code BACKBONE-ENVELOPE/1 <keyId>
 * <signature>} and a JSON body. The signature is HMAC-SHA256 over the header's first two fields
 * and the body's exact bytes; the body names the kind ({@code messages}, {@code acks}, or
 * {@code content}: a request for an attachment's bytes from an offset, with no messages), an
 * envelope id, the synchronization, the sending and receiving connectors and a timestamp. On
 * opening, the size is checked while reading, the signature before any parsing, and the shape
 * limits while parsing, which is {@link StrictJson} strict (a key given twice, text after the
 * body, a property this version does not know are refused). Senders {@link #split} messages so
 * that no envelope is larger than the partner accepts.
 */
final class Envelopes {
  static final String MAGIC = "BACKBONE-ENVELOPE/1";
  static final String MESSAGES = "messages";
  static final String ACKS = "acks";
  /** A request for an attachment's content (the HTTP transport's GET), with no messages. */
  static final String CONTENT = "content";
  /** The longest header line read; the file-drop size check allows for it. */
  static final int MAX_HEADER = 256;
  private static final MessageCodec CODEC = new MessageCodec();
  /** Writes envelopes (reading has its own, tighter bounds); the project's one Jackson setup. */
  private static final ObjectMapper PLAIN = StrictJson.mapper();

  private Envelopes() {}

  /**
   * An envelope that passed every check.
   *
   * @param attachment what a {@code content} envelope asks for; null in the other kinds
   */
  record Opened(String kind, String envelopeId, String from, String to, long timestamp,
      List<SyncMessage> messages, List<String> acked, Requested attachment) {}

  /** The attachment a content request asks for, from a byte offset on. */
  record Requested(String id, long size, String sha256, long offset) {}

  /**
   * Messages split into envelopes that the partner accepts: each at most {@code maxMessages}
   * messages and, sealed, at most the security's {@code maxEnvelopeBytes} of body. A message that
   * does not fit into an envelope even alone is in {@code tooLarge}, with its size.
   */
  record Split(List<List<SyncMessage>> batches, List<List<byte[]>> encoded,
      Map<SyncMessage, Long> tooLarge) {}

  /** Splits messages, in their order, into envelopes from {@code from} to {@code to}. */
  static Split split(EnvelopeSecurity security, String from, String to,
      List<SyncMessage> messages, int maxMessages) {
    long limit = security.maxEnvelopeBytes();
    // the body of an envelope with no message; each message adds its bytes and a comma
    long empty = body(security, MESSAGES, from, to, List.of(), List.of(), null).length;
    List<List<SyncMessage>> batches = new ArrayList<>();
    List<List<byte[]>> encoded = new ArrayList<>();
    Map<SyncMessage, Long> tooLarge = new LinkedHashMap<>();
    List<SyncMessage> batch = new ArrayList<>();
    List<byte[]> bytes = new ArrayList<>();
    long size = empty;
    for (SyncMessage m : messages) {
      byte[] e = CODEC.encode(m);
      if (empty + e.length > limit) {
        tooLarge.put(m, empty + e.length);
        continue;
      }
      long added = e.length + (batch.isEmpty() ? 0 : 1);
      if (!batch.isEmpty() && (batch.size() >= maxMessages || size + added > limit)) {
        batches.add(batch);
        encoded.add(bytes);
        batch = new ArrayList<>();
        bytes = new ArrayList<>();
        size = empty;
        added = e.length;
      }
      batch.add(m);
      bytes.add(e);
      size += added;
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
      encoded.add(bytes);
    }
    return new Split(batches, encoded, tooLarge);
  }

  /** Why a message is not sent: it is larger than the partner's envelopes. */
  static String tooLargeReason(SyncMessage m, long bytes, EnvelopeSecurity security) {
    return "message " + m.messageId() + " of " + m.sourceIssueKey() + " needs an envelope of "
        + bytes + " bytes; the partner accepts at most " + security.maxEnvelopeBytes()
        + " (maxEnvelopeBytes on both sides). It stays in the outbox, is not sent, and the"
        + " other messages go on";
  }

  /** Seals messages (as the codec encodes them) or acknowledged message ids. */
  static byte[] seal(EnvelopeSecurity security, String kind, String from, String to,
      List<byte[]> messages, List<String> acked) {
    return sign(security, body(security, kind, from, to, messages, acked, null));
  }

  /** Seals a request for an attachment's content from a byte offset on. */
  static byte[] sealContent(EnvelopeSecurity security, String from, String to,
      Requested attachment) {
    return sign(security, body(security, CONTENT, from, to, List.of(), List.of(), attachment));
  }

  private static byte[] sign(EnvelopeSecurity security, byte[] bytes) {
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

  private static byte[] body(EnvelopeSecurity security, String kind, String from, String to,
      List<byte[]> messages, List<String> acked, Requested attachment) {
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
      if (kind.equals(CONTENT)) {
        ContentRequest.write(g, attachment);
      } else if (kind.equals(MESSAGES)) {
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
    return body.toByteArray();
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
   * Reads and checks an envelope whose timestamp may be at most the security's window from now,
   * either way.
   */
  static Opened open(EnvelopeSecurity security, InputStream in) throws IOException {
    return open(security, in, security.window());
  }

  /**
   * Reads and checks an envelope: at most the header line and {@code maxEnvelopeBytes} of body
   * are read, whatever the stream holds.
   *
   * @param maxAge how long ago the envelope may have been sealed (a file transfer may take days);
   *     its timestamp may be ahead of this side's clock by the security's window
   * @throws EnvelopeRejectedException with the reason, before anything is trusted
   */
  static Opened open(EnvelopeSecurity security, InputStream in, Duration maxAge)
      throws IOException {
    return open(security, in, maxAge, bytes -> { });
  }

  /**
   * Reads and checks an envelope as {@link #open(EnvelopeSecurity, InputStream, Duration)} does,
   * telling {@code reading} of each part of the body before it is read into memory, which may
   * refuse it by throwing (see {@link BodyBudget}).
   */
  static Opened open(EnvelopeSecurity security, InputStream in, Duration maxAge,
      IntConsumer reading) throws IOException {
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
    byte[] body = readBody(in, (int) Math.min(Integer.MAX_VALUE - 8, max + 1), reading);
    if (body.length > max) {
      throw new EnvelopeRejectedException(Reason.TOO_LARGE, "more than " + max + " bytes");
    }
    // Compared as written, not decoded: a lenient decoder ignores the last character's spare
    // bits, so four spellings would decode to one signature.
    byte[] given = header[2].getBytes(StandardCharsets.US_ASCII);
    byte[] expected = Base64.getUrlEncoder().withoutPadding()
        .encode(mac(secret, keyId, body));
    if (!MessageDigest.isEqual(given, expected)) {
      throw new EnvelopeRejectedException(Reason.BAD_SIGNATURE, "the signature does not match"
          + " the body under key " + keyId);
    }
    JsonNode root = parse(security, body);
    return EnvelopeBody.check(security, root, maxAge);
  }

  /** At most {@code limit} bytes of the stream, in parts of 64 KiB, each told first. */
  private static byte[] readBody(InputStream in, int limit, IntConsumer reading)
      throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] part = new byte[64 * 1024];
    while (body.size() < limit) {
      int n = in.readNBytes(part, 0, Math.min(part.length, limit - body.size()));
      if (n == 0) {
        break;
      }
      reading.accept(n);
      body.write(part, 0, n);
    }
    return body.toByteArray();
  }

  /**
   * The body's JSON, strictly read; the envelope's {@code timestamp} as written when it is not a
   * whole number ({@link EnvelopeTimestamp}). A refusal names where the parser stopped ({@code
   * at $.timestamp}).
   */
  private static JsonNode parse(EnvelopeSecurity security, byte[] body) {
    ObjectMapper strict = StrictJson.builder(security.maxNesting(),
        (int) Math.min(StrictJson.MAX_STRING_LENGTH, security.maxEnvelopeBytes())).build();
    ObjectReader reader = strict.readerFor(JsonNode.class)
        .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    try (JsonParser p = new EnvelopeTimestamp(strict.createParser(body))) {
      try {
        return reader.readTree(p);
      } catch (StreamConstraintsException e) {
        throw new EnvelopeRejectedException(Reason.LIMIT,
            StrictJson.printable(StrictJson.reason(e), 200) + ParserPlace.at(p)
                + ParserPlace.longNumber(e, p, body, 40));
      } catch (JsonProcessingException e) {
        throw new EnvelopeRejectedException(Reason.MALFORMED, "the body is not JSON: "
            + StrictJson.printable(StrictJson.reason(e), 200) + ParserPlace.at(p));
      }
    } catch (IOException e) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "the body cannot be read");
    }
  }

  /** A value from outside, made safe to log: printable ASCII, at most 80 characters. */
  static String printable(String s) {
    return StrictJson.printable(s, 80);
  }
}
