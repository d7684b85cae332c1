package org.backbonesync.transport;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.transport.AttachmentContent.Announced;

/**
 * What both transports share about attachment content: finding the attachments a message
 * announces, naming them safely, and checking a stream against its announcement.
 */
final class Contents {
  /** A SHA-256 as announced: 64 lower-case hex digits. */
  static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  /** The longest attachment id carried; Jira's are numbers. */
  static final int MAX_ID_LENGTH = 1000;

  private Contents() {}

  /** The attachments the messages' {@code add} operations announce, in order. */
  static List<Announced> announcedIn(List<SyncMessage> messages) {
    List<Announced> out = new ArrayList<>();
    for (SyncMessage m : messages) {
      for (JsonNode ops : m.content().values()) {
        for (JsonNode op : ops) {
          if (op.path("op").asText().equals("add") && op.path("id").isTextual()
              && op.path("sha256").isTextual() && op.path("size").canConvertToLong()) {
            out.add(new Announced(op.get("id").textValue(), op.path("filename").asText(""),
                Math.max(0, op.get("size").asLong()), op.get("sha256").textValue()));
          }
        }
      }
    }
    return out;
  }

  /**
   * A name for an announced attachment that is safe as a file name and as a remembered id (64
   * hex digits, whatever the id holds: {@code /}, {@code ..}, pipes), and binds the id to the
   * announced size and hash.
   */
  static String key(Announced a) {
    return sha256Hex(a.attachmentId() + "\n" + a.size() + "\n" + a.sha256());
  }

  static String sha256Hex(String text) {
    return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  /** Refuses an announcement larger than this side accepts, before anything is read. */
  static void checkSize(Announced a, long maxAttachmentBytes) {
    if (a.size() > maxAttachmentBytes) {
      throw new ContentRefusedException(ContentRefusedException.Reason.TOO_LARGE, "size",
          Long.toString(a.size()), "attachment " + Envelopes.printable(a.attachmentId()) + " ("
              + Envelopes.printable(a.filename()) + ") is larger than maxAttachmentBytes "
              + maxAttachmentBytes + "; it is not fetched");
    }
    if (a.attachmentId().isEmpty() || a.attachmentId().length() > MAX_ID_LENGTH) {
      throw new ContentRefusedException(ContentRefusedException.Reason.NOT_ANNOUNCED,
          "attachmentId", a.attachmentId(), "an attachment id has 1 to " + MAX_ID_LENGTH
              + " characters");
    }
    if (!SHA256.matcher(a.sha256()).matches()) {
      throw new ContentRefusedException(ContentRefusedException.Reason.NOT_ANNOUNCED, "sha256",
          a.sha256(), "not 64 lower-case hex digits");
    }
  }

  /** A stream of at most {@code length} bytes of another, which it closes. */
  static InputStream limited(InputStream in, long length) {
    return new FilterInputStream(in) {
      private long left = length;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        int b = in.read();
        if (b >= 0) {
          left--;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
          return len == 0 ? 0 : -1;
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        long skipped = in.skip(Math.min(n, left));
        left -= skipped;
        return skipped;
      }

      @Override
      public int available() throws IOException {
        return (int) Math.min(in.available(), left);
      }
    };
  }

  /**
   * A stream that gives at most the announced size and checks, at its end, that it gave exactly
   * that many bytes with the announced SHA-256; else the read fails with an IOException.
   */
  static final class Checked extends FilterInputStream {
    private final Announced announced;
    private final MessageDigest digest = digest();
    private long read;
    private boolean checked;

    Checked(InputStream in, Announced announced) {
      super(in);
      this.announced = announced;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      int n = in.read(b, off, len);
      if (n < 0) {
        finish();
        return -1;
      }
      read += n;
      if (read > announced.size()) {
        throw new IOException("attachment " + Envelopes.printable(announced.attachmentId())
            + " is longer than the " + announced.size() + " bytes announced; refused");
      }
      digest.update(b, off, n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      throw new IOException("an attachment's content is read, not skipped");
    }

    private void finish() throws IOException {
      if (checked) {
        return;
      }
      if (read != announced.size()) {
        throw new IOException("attachment " + Envelopes.printable(announced.attachmentId())
            + " ended after " + read + " of the " + announced.size() + " bytes announced");
      }
      String got = HexFormat.of().formatHex(digest.digest());
      if (!got.equals(announced.sha256())) {
        throw new IOException("attachment " + Envelopes.printable(announced.attachmentId())
            + " arrived with SHA-256 " + got + ", announced " + announced.sha256());
      }
      checked = true;
    }
  }
}
