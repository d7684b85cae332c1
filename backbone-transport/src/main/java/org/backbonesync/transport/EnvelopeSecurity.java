package org.backbonesync.transport;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.backbonesync.spi.message.StrictJson;

/**
 * What both sides of one synchronization agree on to trust each other's envelopes: the
 * synchronization id, the shared secrets by key id (the first signs; all verify, so a key can be
 * rotated by adding the new one on both sides before signing with it), how far an envelope's
 * timestamp may be from the receiver's clock (older ones are replays and are refused), and the
 * size and shape limits checked before a body is parsed. Secrets never appear in {@link
 * #toString()}, logs or exceptions.
 */
public final class EnvelopeSecurity {
  private final String synchronizationId;
  private final String signingKeyId;
  private final Map<String, byte[]> keys;
  private final Duration window;
  private final long maxEnvelopeBytes;
  private final int maxMessages;
  private final int maxNesting;
  private final Clock clock;

  private EnvelopeSecurity(Builder b) {
    if (b.keys.isEmpty()) {
      throw new IllegalArgumentException("at least one key is needed: key(keyId, secret)");
    }
    this.synchronizationId = b.synchronizationId;
    this.keys = Map.copyOf(b.keys);
    this.signingKeyId = b.keys.keySet().iterator().next();
    this.window = b.window;
    this.maxEnvelopeBytes = b.maxEnvelopeBytes;
    this.maxMessages = b.maxMessages;
    this.maxNesting = b.maxNesting;
    this.clock = b.clock;
  }

  /** Starts the settings of a synchronization, e.g. {@code "pa-pb"}. */
  public static Builder builder(String synchronizationId) {
    return new Builder(synchronizationId);
  }

  /** The synchronization whose envelopes these are. */
  public String synchronizationId() {
    return synchronizationId;
  }

  /** The key id that signs. */
  public String signingKeyId() {
    return signingKeyId;
  }

  /** The secret of a key id, or null. Not for logging. */
  byte[] secret(String keyId) {
    byte[] s = keys.get(keyId);
    return s == null ? null : s.clone();
  }

  /** How far from the receiver's clock an envelope's timestamp may be. */
  public Duration window() {
    return window;
  }

  /** The largest envelope accepted, in bytes. */
  public long maxEnvelopeBytes() {
    return maxEnvelopeBytes;
  }

  /** The most messages in one envelope. */
  public int maxMessages() {
    return maxMessages;
  }

  /** The deepest JSON nesting accepted. */
  public int maxNesting() {
    return maxNesting;
  }

  /** The clock of timestamps and their window. */
  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "EnvelopeSecurity[" + synchronizationId + ", keys " + keys.keySet()
        + ", signing with " + signingKeyId + "]";
  }

  /** Settings; {@link #key} at least once. */
  public static final class Builder {
    private final String synchronizationId;
    private final Map<String, byte[]> keys = new LinkedHashMap<>();
    private Duration window = Duration.ofMinutes(10);
    private long maxEnvelopeBytes = 8L * 1024 * 1024;
    private int maxMessages = 1000;
    private int maxNesting = 64;
    private Clock clock = Clock.systemUTC();

    private Builder(String synchronizationId) {
      if (synchronizationId == null || synchronizationId.isBlank()) {
        throw new IllegalArgumentException("synchronizationId must not be blank");
      }
      this.synchronizationId = synchronizationId;
    }

    /**
     * A shared secret (at least 32 bytes, e.g. from a password manager or {@code openssl rand
     * 32}) under a key id both sides use. The first key added signs.
     */
    public Builder key(String keyId, byte[] secret) {
      if (keyId == null || !keyId.matches("[A-Za-z0-9._-]{1,64}")) {
        throw new IllegalArgumentException("keyId must be 1 to 64 letters, digits, '.', '_' or"
            + " '-', was " + (keyId == null ? "null" : "\"" + Envelopes.printable(keyId) + "\""));
      }
      Objects.requireNonNull(secret, "secret");
      if (secret.length < 32) {
        throw new IllegalArgumentException("the secret of key " + keyId + " must have at least"
            + " 32 bytes, had " + secret.length);
      }
      keys.put(keyId, Arrays.copyOf(secret, secret.length));
      return this;
    }

    /**
     * How far an envelope's timestamp may be from the receiver's clock: how old an HTTP envelope
     * may be, and how far ahead of the receiver's clock any envelope may be. Envelope ids are
     * remembered for as long, so a replay inside the window is refused too. From 1 ms to 1 day.
     * Default 10 minutes.
     */
    public Builder window(Duration value) {
      // an envelope id is remembered until its timestamp plus this, which must not wrap
      this.window = Durations.within("window", value, Durations.DAY);
      return this;
    }

    /**
     * The largest envelope body accepted, in bytes; senders split their messages into envelopes
     * of at most this size, so both sides must set the same value. Default 8 MiB.
     */
    public Builder maxEnvelopeBytes(long value) {
      if (value < 1024) {
        throw new IllegalArgumentException("maxEnvelopeBytes must be at least 1024, was " + value);
      }
      this.maxEnvelopeBytes = value;
      return this;
    }

    /** The most messages in one envelope. Default 1,000. */
    public Builder maxMessages(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxMessages must be positive, was " + value);
      }
      this.maxMessages = value;
      return this;
    }

    /**
     * The deepest JSON nesting accepted, from 8 to {@link StrictJson#MAX_NESTING_DEPTH}. Default
     * 64.
     */
    public Builder maxNesting(int value) {
      if (value < 8 || value > StrictJson.MAX_NESTING_DEPTH) {
        throw new IllegalArgumentException("maxNesting must be from 8 to "
            + StrictJson.MAX_NESTING_DEPTH + ", was " + value);
      }
      this.maxNesting = value;
      return this;
    }

    /** The clock. Default system UTC. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** The settings. */
    public EnvelopeSecurity build() {
      return new EnvelopeSecurity(this);
    }
  }
}
