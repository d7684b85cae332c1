package org.backbonesync.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * The admin REST's bound on a request body: at most {@code maxBodyBytes} bytes of UTF-8 (413
 * beyond), whether the host read the body into a string or passes the stream.
 */
final class AdminBodyLimit {
  private final int maxBodyBytes;

  AdminBodyLimit(int maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The body a host read itself, refused when it is over the limit in UTF-8. */
  String checked(String body) {
    if (body != null && (body.length() > maxBodyBytes || utf8Length(body) > maxBodyBytes)) {
      throw tooLarge();
    }
    return body;
  }

  /** Reads at most the limit plus one byte; the rest is left unread. Null for no stream. */
  String read(InputStream in) {
    if (in == null) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = in.readNBytes(maxBodyBytes + 1);
    } catch (IOException e) {
      String problem = "could not be read: " + e.getClass().getSimpleName();
      throw new AdminException(400, "the request body " + problem,
          List.of(new ConfigurationProblem("$", problem)));
    }
    if (bytes.length > maxBodyBytes) {
      throw tooLarge();
    }
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer read = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = utf8.decode(read, out, true);
    if (!result.isError()) {
      result = utf8.flush(out);
    }
    if (result.isError()) {
      // bytes that are no text cannot be shown as text: their place and value can
      String problem = "is not UTF-8 from byte " + read.position() + " (0x"
          + HexFormat.of().toHexDigits(bytes[read.position()]) + ") on";
      throw new AdminException(400, "the request body is not UTF-8",
          List.of(new ConfigurationProblem("$", problem)));
    }
    return out.flip().toString();
  }

  private AdminException tooLarge() {
    return new AdminException(413, "the request body is larger than " + maxBodyBytes
        + " bytes, the limit of this admin API (maxBodyBytes)", List.of(new ConfigurationProblem(
            "$", "is more than " + maxBodyBytes + " bytes (maxBodyBytes)")));
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
