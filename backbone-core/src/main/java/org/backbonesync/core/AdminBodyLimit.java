package org.backbonesync.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

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
      throw new AdminException(400, "the request body could not be read: "
          + e.getClass().getSimpleName());
    }
    if (bytes.length > maxBodyBytes) {
      throw tooLarge();
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new AdminException(400, "the request body is not UTF-8");
    }
  }

  private AdminException tooLarge() {
    return new AdminException(413, "the request body is larger than " + maxBodyBytes
        + " bytes, the limit of this admin API (maxBodyBytes)");
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
