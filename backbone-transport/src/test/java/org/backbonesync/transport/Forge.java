package org.backbonesync.transport;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What an attacker holding the shared secret (or a buggy partner) can send: any body, signed
 * correctly, so that the checks after the signature are what is tested. Computed here, not by
 * {@link Envelopes}, so a mistake there is not repeated.
 */
final class Forge {
  private Forge() {}

  static byte[] signed(String body) {
    return signed(body.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] signed(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(EnvelopesTest.SECRET, "HmacSHA256"));
      mac.update("BACKBONE-ENVELOPE/1\nk1\n".getBytes(StandardCharsets.US_ASCII));
      String signature = Base64.getUrlEncoder().withoutPadding().encodeToString(
          mac.doFinal(body));
      byte[] header = ("BACKBONE-ENVELOPE/1 k1 " + signature + "\n")
          .getBytes(StandardCharsets.US_ASCII);
      byte[] out = new byte[header.length + body.length];
      System.arraycopy(header, 0, out, 0, header.length);
      System.arraycopy(body, 0, out, header.length, body.length);
      return out;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The body of a sealed envelope (after the header line), as text. */
  static String body(byte[] sealed) {
    String all = new String(sealed, StandardCharsets.UTF_8);
    return all.substring(all.indexOf('\n') + 1);
  }
}
