package org.backbonesync.jira.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.backbonesync.jira.JiraAnswerException;
import org.backbonesync.jira.JiraFlavour;
import org.backbonesync.spi.internal.Escapes;
import org.backbonesync.spi.tracker.FieldSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What all projects of one site share: the HTTP sender (with its rate limits), the flavour
 * (configured, or detected once from {@code /serverInfo}), the sync user and its time zone (from
 * {@code /myself}), and the site's fields (from {@code /field}). Thread-safe; each is read once.
 */
public final class JiraSession {
  private static final Logger LOG = LoggerFactory.getLogger(JiraSession.class);
  private final JiraHttp http;
  private final boolean quietWrites;
  private final boolean notFoundIsDeleted;
  private JiraFlavour flavour;
  private String userId;
  private ZoneId zone;
  private List<FieldSchema> fields;

  public JiraSession(JiraHttp http, JiraFlavour flavour, boolean quietWrites) {
    this(http, flavour, quietWrites, false);
  }

  /** @param notFoundIsDeleted whether any 404 for an issue is taken as its deletion */
  public JiraSession(JiraHttp http, JiraFlavour flavour, boolean quietWrites,
      boolean notFoundIsDeleted) {
    this.http = http;
    this.flavour = flavour;
    this.quietWrites = quietWrites;
    this.notFoundIsDeleted = notFoundIsDeleted;
    if (flavour != null) {
      http.flavour(flavour);
    }
  }

  public JiraHttp http() {
    return http;
  }

  /** Whether writes ask Jira not to notify watchers ({@code notifyUsers=false}; needs admin). */
  public boolean quietWrites() {
    return quietWrites;
  }

  /** Whether any 404 for an issue is taken as its deletion (the site's users see every issue). */
  public boolean notFoundIsDeleted() {
    return notFoundIsDeleted;
  }

  public synchronized JiraFlavour flavour() {
    if (flavour == null) {
      // Both flavours answer on REST v2.
      flavour = flavourOf(http.send("GET", "/rest/api/2/serverInfo", null, null).body());
      http.flavour(flavour);
    }
    return flavour;
  }

  /**
   * The flavour a serverInfo answer shows: its deploymentType ("Cloud", "Server",
   * "DataCenter") when present; otherwise Cloud's fixed version 1001.x or an Atlassian-hosted
   * base URL (Cloud examples leave deploymentType out); otherwise Server.
   */
  static JiraFlavour flavourOf(JsonNode info) {
    if (info == null || !info.isObject()) {
      return JiraFlavour.SERVER;
    }
    String type = info.path("deploymentType").asText("");
    if (!type.isEmpty()) {
      return type.equalsIgnoreCase("Cloud") ? JiraFlavour.CLOUD : JiraFlavour.SERVER;
    }
    if (info.path("version").asText("").startsWith("1001.")) {
      return JiraFlavour.CLOUD;
    }
    String host = "";
    try {
      String h = URI.create(info.path("baseUrl").asText("")).getHost();
      host = h == null ? "" : h.toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      // not a URL: say nothing about the flavour
    }
    return host.endsWith(".atlassian.net") || host.endsWith(".jira.com")
        ? JiraFlavour.CLOUD : JiraFlavour.SERVER;
  }

  /** The REST path prefix of the flavour, e.g. {@code /rest/api/3}. */
  public String api() {
    return flavour().apiPath();
  }

  /** The id of the user the credentials act as. */
  public synchronized String userId() {
    myself();
    return userId;
  }

  /**
   * The sync user's time zone: JQL reads a bare date-time in it, so watermarks are written in it.
   */
  public synchronized ZoneId zone() {
    myself();
    return zone;
  }

  private void myself() {
    if (zone != null) {
      return;
    }
    String request = "GET " + api() + "/myself";
    JsonNode me = http.send("GET", api() + "/myself", null, null).body();
    // Who the sync is decides which changes are its own echoes: never guess it.
    String field = flavour() == JiraFlavour.CLOUD ? "accountId" : "name";
    String problem = JiraWire.idProblem(me, field, false);
    if (problem != null) {
      throw new JiraAnswerException(request + " answered without the sync user's id: "
          + problem, request, field, null);
    }
    userId = userId(request, field, me.path(field).asText());
    zone = zoneOf(me, http.base(), http::scrub);
  }

  /**
   * The sync user's id as Jira sent it, once it is known to be safe to print: the service names
   * it on a terminal and in refusals. An id that holds the request's credentials (a proxy or a
   * broken Jira echoing the header) or a control or format character (a line break that would
   * forge a log line) is no user's id and is refused, the credentials blotted out.
   */
  private String userId(String request, String field, String id) {
    String scrubbed = http.scrub(id);
    if (scrubbed.equals(id) && Escapes.printable(id)) {
      return id;
    }
    throw new JiraAnswerException(request + " answered a sync user whose \"" + field + "\" is "
        + JiraText.quoted(scrubbed) + ", not an id: it holds "
        + (scrubbed.equals(id) ? "a control or format character" : "the request's credentials"),
        request, field, null);
  }

  /** The earliest local time there is: a bare JQL time written in it is never too late. */
  static final ZoneId UNKNOWN_ZONE = ZoneOffset.ofHours(-12);

  /**
   * The time zone of a /myself answer. When Jira does not say or names a zone the JDK does not
   * know, watermarks are written as if at UTC-12, so the search reads at most a day more than
   * needed (changes already seen are dropped by changelog id) and never misses one.
   */
  static ZoneId zoneOf(JsonNode me, URI site) {
    return zoneOf(me, site, UnaryOperator.identity());
  }

  /**
   * {@link #zoneOf(JsonNode, URI)}, the credentials blotted out of the zone the warning shows.
   */
  static ZoneId zoneOf(JsonNode me, URI site, UnaryOperator<String> scrub) {
    String tz = me == null ? null : JiraWire.text(me.path("timeZone"));
    try {
      if (tz != null) {
        return ZoneId.of(tz);
      }
    } catch (DateTimeException e) {
      // fall through to the warning
    }
    LOG.warn("{}: /myself gives no usable time zone ({}); searching with a 26-hour margin."
        + " Set the sync user's time zone in Jira's profile settings.", site,
        tz == null ? "null" : JiraText.quoted(scrub.apply(tz)));
    return UNKNOWN_ZONE;
  }

  /** The site's fields, system and custom, with their schemas. */
  public synchronized List<FieldSchema> fields() {
    if (fields == null) {
      List<FieldSchema> out = new ArrayList<>();
      JsonNode body = http.send("GET", api() + "/field", null, null).body();
      if (body != null) {
        body.forEach(f -> out.add(JiraWire.fieldSchema(f)));
      }
      fields = List.copyOf(out);
    }
    return fields;
  }

  /** A query parameter value, percent-encoded. */
  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
