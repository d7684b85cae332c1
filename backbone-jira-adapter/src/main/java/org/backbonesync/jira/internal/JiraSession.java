package org.backbonesync.jira.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.backbonesync.jira.JiraFlavour;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * What all projects of one site share: the HTTP sender (with its request budget), the flavour
 * (configured, or detected once from {@code /serverInfo}), the sync user and its time zone (from
 * {@code /myself}), and the site's fields (from {@code /field}). Thread-safe; each is read once.
 */
public final class JiraSession {
  private final JiraHttp http;
  private final boolean quietWrites;
  private JiraFlavour flavour;
  private String userId;
  private ZoneId zone;
  private List<FieldSchema> fields;

  public JiraSession(JiraHttp http, JiraFlavour flavour, boolean quietWrites) {
    this.http = http;
    this.flavour = flavour;
    this.quietWrites = quietWrites;
  }

  public JiraHttp http() {
    return http;
  }

  /** Whether writes ask Jira not to notify watchers ({@code notifyUsers=false}; needs admin). */
  public boolean quietWrites() {
    return quietWrites;
  }

  public synchronized JiraFlavour flavour() {
    if (flavour == null) {
      // Both flavours answer on REST v2.
      JsonNode info = http.send("GET", "/rest/api/2/serverInfo", null, null).body();
      String type = info == null ? "" : info.path("deploymentType").asText("");
      flavour = type.equalsIgnoreCase("Cloud") ? JiraFlavour.CLOUD : JiraFlavour.SERVER;
    }
    return flavour;
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
    JsonNode me = http.send("GET", api() + "/myself", null, null).body();
    userId = JiraWire.userIdOf(me, flavour());
    String tz = me == null ? null : JiraWire.text(me.path("timeZone"));
    ZoneId z;
    try {
      z = tz == null ? ZoneId.of("UTC") : ZoneId.of(tz);
    } catch (java.time.DateTimeException e) {
      z = ZoneId.of("UTC");
    }
    zone = z;
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
