package org.backbonesync.jira;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.backbonesync.jira.internal.JiraProject;
import org.backbonesync.jira.internal.JiraText;
import org.backbonesync.spi.internal.BeyondDoubleAsDecimal;
import org.backbonesync.spi.internal.ParserPlace;
import org.backbonesync.spi.message.StrictJson;
import org.backbonesync.spi.tracker.ChangeHints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of Jira's webhooks (Cloud and Data Center), framework-neutral: the host binds
 * {@link #handle} to a POST route (the servlet module and the service do). A webhook is only a
 * hint: the handler never takes a value from it; it tells the connector of the issue's project
 * ({@link ChangeHints}, from the engine's {@code changeHints(key)}) which issue changed, and the
 * connector reads that issue through Jira with the rules of its poll.
 *
 * <p>In order, each refusal touching nothing: only POST (405); at most {@code maxBodyBytes}
 * (413); with a secret, the {@code X-Hub-Signature} header must be given once, {@code sha256=}
 * and the HMAC-SHA256 of the raw body in hex, compared in constant time (401 when missing, given
 * twice or wrong);
 * strict JSON (duplicate keys, nesting and lengths bounded) with a {@code webhookEvent} (400). A
 * delivery whose body was taken already (Jira's retry, or a replay under any {@code
 * X-Atlassian-Webhook-Identifier}: the identifier is not signed, the body is) is answered 200
 * and triggers nothing; the SHA-256 of the last {@link Builder#rememberedDeliveries} bodies are
 * kept. A delivery whose {@code timestamp} is further than {@link Builder#maxAge} from this
 * side's clock is refused (400), so a body captured earlier cannot be replayed once the
 * remembered ones have moved on. Accepted deliveries are answered 202.
 *
 * <p>What each event hints: an event with {@code issue.key} of a registered project (issue
 * created, updated or deleted, Cloud's comment events) names that issue; an issue moved to
 * another project names its old key too (the changelog's {@code Key} item), so that its pair
 * learns it is gone. An event that names no issue key (links, attachments, worklogs, Data
 * Center's comment events: they carry ids) makes every registered connector poll soon. Other
 * events trigger nothing, and so does any event of a {@link Builder#syncUser} (the sync's own
 * writes). Thread-safe.
 */
public final class JiraWebhookHandler {
  private static final Logger LOG = LoggerFactory.getLogger(JiraWebhookHandler.class);
  private static final Pattern KEY = Pattern.compile("[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}");
  private static final Pattern SIGNATURE = Pattern.compile("sha256=([0-9a-fA-F]{64})");
  private static final List<String> POLL_EVENTS = List.of("comment_created", "comment_updated",
      "comment_deleted", "issuelink_created", "issuelink_deleted", "attachment_created",
      "attachment_deleted", "worklog_created", "worklog_updated", "worklog_deleted");

  /** The most characters of a refused value, or of the parser's message, a refusal shows. */
  private static final int SHOWN = 200;
  /** The most characters of a number over the length limit a refusal shows, as envelopes do. */
  private static final int SHOWN_NUMBER = 40;

  private final byte[] secret;
  private final int maxBodyBytes;
  private final Map<String, ChangeHints> projects;
  private final Set<String> echoUsers;
  private final Map<String, Boolean> taken;
  private final Clock clock;
  private final Duration maxAge;
  /**
   * Strict, with numbers that have a fraction or an exponent read as written: a double would
   * show a refused {@code timestamp} of {@code 1e400} as {@code Infinity} (the body is read for
   * keys and texts only, so nothing else changes).
   */
  private final ObjectReader json = StrictJson.mapper().readerFor(JsonNode.class)
      .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
  private final Map<Integer, Long> refusals = new ConcurrentHashMap<>();

  /** An answer for the host to send: status and a short plain-text body. */
  public record Response(int status, String body) {}

  private JiraWebhookHandler(Builder b) {
    this.secret = b.secret;
    this.maxBodyBytes = b.maxBodyBytes;
    this.projects = Map.copyOf(b.projects);
    this.echoUsers = Set.copyOf(b.echoUsers);
    this.clock = b.clock;
    this.maxAge = b.maxAge;
    int remembered = b.rememberedDeliveries;
    this.taken = new LinkedHashMap<>(16, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > remembered;
      }
    };
  }

  /** A builder; register at least one project. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Handles one delivery.
   *
   * @param method the request's HTTP method
   * @param header the value of a request header by name, case-insensitive (as servlets and the
   *     JDK's server give them), or null when it is absent; a header sent more than once as its
   *     values joined with {@code ", "} (RFC 9110, 5.3), as the servlet module and the service
   *     pass it, so that two {@code X-Hub-Signature} headers are refused (401), not one of them
   *     checked
   * @param body the raw body; read up to the limit, not closed
   */
  public Response handle(String method, Function<String, String> header, InputStream body) {
    if (!"POST".equals(method)) {
      return new Response(405, "only POST");
    }
    byte[] raw;
    try {
      raw = body.readNBytes(maxBodyBytes + 1);
      if (raw.length > maxBodyBytes) {
        drain(body);
        return refuse(413, "body over " + maxBodyBytes + " bytes");
      }
    } catch (IOException e) {
      return refuse(400, "body could not be read");
    }
    Response refused = unsigned(header.apply("X-Hub-Signature"), raw);
    if (refused != null) {
      return refused;
    }
    JsonNode event;
    try {
      event = parse(raw);
    } catch (NotJson e) {
      return refuse(400, e.getMessage());
    }
    refused = malformed(event);
    if (refused != null) {
      return refused;
    }
    if (!firstTime(raw)) {
      return new Response(200, "delivery taken already; ignored");
    }
    JsonNode user = event.path("user");
    for (String field : List.of("accountId", "name", "key")) {
      if (user.path(field).isTextual() && echoUsers.contains(user.path(field).asText())) {
        return new Response(202, "accepted; a write of the sync user");
      }
    }
    return hint(event.path("webhookEvent").asText(), event);
  }

  /**
   * The refusal of a delivery whose signature is missing, given more than once, or not the
   * body's, when a secret is set; else null.
   *
   * @param signatures the {@code X-Hub-Signature} header (values joined), or null
   */
  private Response unsigned(String signatures, byte[] raw) {
    if (secret == null) {
      return null;
    }
    int given = values(signatures);
    if (given > 1) {
      // only one can be checked: which one a host or a proxy passes on is not ours to guess
      return refuse(401, "X-Hub-Signature was given " + given + " times; a delivery"
          + " carries one signature");
    }
    if (!signedBy(signatures, raw)) {
      return refuse(401, signatures == null
          ? "unsigned: X-Hub-Signature is required" : "X-Hub-Signature does not match the body");
    }
    return null;
  }

  /**
   * The refusal of a parsed delivery that is no event object, names no event, or carries a
   * timestamp that is not epoch milliseconds within {@code maxAge} of this side's clock (or none
   * though signed); else null.
   */
  private Response malformed(JsonNode event) {
    if (event == null || !event.isObject()) {
      return refuse(400, "the body must be a JSON object");
    }
    if (!event.path("webhookEvent").isTextual()) {
      return refuse(400, event.has("webhookEvent")
          ? "webhookEvent must be a string, was "
              + StrictJson.shown(event.get("webhookEvent"), SHOWN)
          : "webhookEvent is missing");
    }
    JsonNode timestamp = event.path("timestamp");
    if (timestamp.isMissingNode()) {
      // signed but unstamped: once its digest was forgotten it could be replayed for good
      return secret == null ? null
          : refuse(400, "timestamp is missing: a signed delivery carries the time Jira sent it");
    }
    if (!(timestamp.isIntegralNumber() && timestamp.canConvertToLong())) {
      return refuse(400, "timestamp must be epoch milliseconds (a whole number), was "
          + StrictJson.shown(timestamp, SHOWN));
    }
    // exact: a long's difference wraps at its ends, and held there it would misstate the gap
    BigInteger off = BigInteger.valueOf(clock.millis())
        .subtract(BigInteger.valueOf(timestamp.asLong())).abs();
    if (off.compareTo(BigInteger.valueOf(maxAge.toMillis())) > 0) {
      return refuse(400, "timestamp " + timestamp.asLong() + " is "
          + off.divide(BigInteger.valueOf(1000))
          + " s from this side's clock; deliveries further than " + maxAge.toSeconds()
          + " s are not taken (maxAge)");
    }
    return null;
  }

  /**
   * The body's JSON, strictly read. A refusal names where the parser stopped ({@code at
   * $.timestamp}) and a number over the length limit as written, cut ({@code , was 9999...}), as
   * the transports' envelopes do; a number no decimal holds ({@code 1e2147483648}, which Jackson
   * reports as a bare {@link NumberFormatException}) is refused at its place too.
   */
  private JsonNode parse(byte[] raw) throws NotJson {
    try (JsonParser p = new BeyondDoubleAsDecimal(json.createParser(raw))) {
      try {
        return json.readTree(p);
      } catch (StreamConstraintsException e) {
        throw new NotJson(printable(StrictJson.reason(e)) + ParserPlace.at(p)
            + ParserPlace.longNumber(e, p, raw, SHOWN_NUMBER));
      } catch (JacksonException e) {
        throw new NotJson(printable(StrictJson.reason(e)) + ParserPlace.at(p));
      }
    } catch (IOException e) {
      throw new NotJson(null);
    }
  }

  /** A body that is not strict JSON, with the reason and the place, when known. */
  private static final class NotJson extends Exception {
    private static final long serialVersionUID = 1L;

    NotJson(String why) {
      super(why == null ? "not valid JSON" : "not valid JSON: " + why, null, false, false);
    }
  }

  private Response hint(String name, JsonNode event) {
    String key = event.path("issue").path("key").asText("");
    if (KEY.matcher(key).matches()) {
      // a moved issue's event names its new key; the old one, in the changelog, is the one
      // its pair knows: hinted too, so that its connector finds it gone from the project
      boolean hinted = hintKey(key);
      for (JsonNode item : event.path("changelog").path("items")) {
        String former = item.path("fromString").asText("");
        if (item.path("field").asText("").equalsIgnoreCase("key")
            && KEY.matcher(former).matches()) {
          hinted |= hintKey(former);
        }
      }
      return new Response(202, hinted ? "accepted" : "accepted; not a synced project");
    }
    if (POLL_EVENTS.contains(name)) {
      projects.values().forEach(ChangeHints::somethingChanged);
      return new Response(202, "accepted; every connector polls");
    }
    return new Response(202, "accepted; nothing to do for this event");
  }

  /** Hints one issue to the connector of its project; whether there is one. */
  private boolean hintKey(String key) {
    ChangeHints hints = projects.get(key.substring(0, key.lastIndexOf('-')));
    if (hints == null) {
      return false;
    }
    hints.issuesChanged(List.of(key));
    return true;
  }

  /**
   * Reads on through a refused body, at most 4 times the limit and without keeping it, so that
   * the sender gets the answer rather than a broken connection.
   */
  private void drain(InputStream body) {
    // read, not skip: the JDK server's request stream skips on the socket, past the body
    byte[] buffer = new byte[8192];
    long left = 4L * maxBodyBytes;
    try {
      int n;
      while (left > 0 && (n = body.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
        left -= n;
      }
    } catch (IOException e) {
      // the sender went: nothing more to read
    }
  }

  /** Whether this body was not taken before; remembers it. */
  private boolean firstTime(byte[] raw) {
    String digest;
    try {
      digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
    synchronized (taken) {
      return taken.put(digest, Boolean.TRUE) == null;
    }
  }

  /**
   * How many values a header holds: a header sent more than once comes joined with commas (RFC
   * 9110, 5.3), and one signature holds none.
   */
  private static int values(String value) {
    return value == null ? 0 : value.split(",", -1).length;
  }

  private boolean signedBy(String signature, byte[] raw) {
    var m = signature == null ? null : SIGNATURE.matcher(signature.trim());
    if (m == null || !m.matches()) {
      return false;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return MessageDigest.isEqual(mac.doFinal(raw), HexFormat.of().parseHex(m.group(1)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  /**
   * A refusal, logged for the first of its status and then at each tenfold count, so that a
   * flood of forged deliveries cannot flood the log.
   */
  private Response refuse(int status, String why) {
    long count = refusals.merge(status, 1L, Long::sum);
    if (Long.toString(count).matches("10*")) {
      LOG.warn("webhook refused with {} ({} so far): {}", status, count, why);
    }
    return new Response(status, why);
  }

  /** How many deliveries were refused so far, by HTTP status. */
  public Map<Integer, Long> refused() {
    return Map.copyOf(refusals);
  }

  /** A message of the JSON parser, which may quote the body: printable and short. */
  private static String printable(String text) {
    return StrictJson.printable(text, SHOWN);
  }

  @Override
  public String toString() {
    return "JiraWebhookHandler[projects=" + projects.keySet() + ", signed=" + (secret != null)
        + "]";
  }

  /** Builds a {@link JiraWebhookHandler}. */
  public static final class Builder {
    private byte[] secret;
    private int maxBodyBytes = 1024 * 1024;
    private int rememberedDeliveries = 20_000;
    private Duration maxAge = Duration.ofMinutes(15);
    private Clock clock = Clock.systemUTC();
    private final Map<String, ChangeHints> projects = new LinkedHashMap<>();
    private final Set<String> echoUsers = new HashSet<>();

    private Builder() {}

    /**
     * A sync user of the site (Cloud account id, or Data Center user name or key): its writes
     * are the sync's own, which the poll would find to be echoes; their events trigger nothing
     * and cost no search.
     *
     * @throws IllegalArgumentException when it is blank, holds a control character or begins or
     *     ends with a space: no event's user would ever equal it
     */
    public Builder syncUser(String userId) {
      if (userId == null || userId.isBlank()) {
        throw new IllegalArgumentException("syncUser must not be blank");
      }
      if (!userId.equals(userId.strip()) || userId.chars().anyMatch(Character::isISOControl)) {
        // no event's user would ever equal it: the sync's own writes would each cost a search
        throw new IllegalArgumentException("syncUser must not hold a control character or"
            + " begin or end with a space, was " + JiraText.quoted(userId));
      }
      echoUsers.add(userId);
      return this;
    }

    /**
     * The secret the webhook was registered with in Jira: every delivery must then be signed
     * with it. Without one, unsigned deliveries are taken (a hint cannot change data; at worst
     * it costs a search), which only suits a network no one else reaches.
     *
     * @throws IllegalArgumentException when it is blank or holds a control character (a line
     *     break an env file left at its end, say, with which no delivery's signature would ever
     *     match), saying which and where, never the value, as {@link JiraCredentials} does
     */
    public Builder secret(String value) {
      this.secret = JiraCredentials.require("secret", value).getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /** The largest body taken, from 1 KiB to 16 MiB; default 1 MiB. */
    public Builder maxBodyBytes(int value) {
      if (value < 1024 || value > 16 * 1024 * 1024) {
        throw new IllegalArgumentException("maxBodyBytes must be from 1024 to 16777216, was "
            + value);
      }
      this.maxBodyBytes = value;
      return this;
    }

    /**
     * How many deliveries are remembered (by the SHA-256 of their body) to drop repeats, from 1
     * to 1,000,000; default 20,000.
     */
    public Builder rememberedDeliveries(int value) {
      if (value < 1 || value > 1_000_000) {
        throw new IllegalArgumentException("rememberedDeliveries must be from 1 to 1000000, was "
            + value);
      }
      this.rememberedDeliveries = value;
      return this;
    }

    /**
     * How far a delivery's {@code timestamp} may be from this side's clock, from 1 minute to 1
     * day; default 15 minutes. Jira stamps each delivery when it sends it, and retries within
     * minutes.
     */
    public Builder maxAge(Duration value) {
      if (value == null || value.compareTo(Duration.ofMinutes(1)) < 0
          || value.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("maxAge must be from 1 minute to 1 day, was " + value);
      }
      this.maxAge = value;
      return this;
    }

    /** The clock deliveries' timestamps are compared with; default the system's. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * The connector that syncs a project of this site.
     *
     * @param projectKey e.g. {@code PA}
     * @param hints e.g. {@code engine.changeHints("PA")}
     */
    public Builder project(String projectKey, ChangeHints hints) {
      Objects.requireNonNull(hints, "hints");
      if (!JiraProject.isProjectKey(projectKey)) {
        throw new IllegalArgumentException("projectKey must be a Jira project key, was "
            + JiraText.quoted(projectKey));
      }
      if (projects.putIfAbsent(projectKey, hints) != null) {
        throw new IllegalArgumentException("project " + projectKey + " is registered already");
      }
      return this;
    }

    /** The handler; at least one project must be registered. */
    public JiraWebhookHandler build() {
      if (projects.isEmpty()) {
        throw new IllegalStateException("register at least one project");
      }
      return new JiraWebhookHandler(this);
    }
  }
}
