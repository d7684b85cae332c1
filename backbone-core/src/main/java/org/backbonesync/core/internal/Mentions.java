package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.spi.mapping.MappingSide;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.spi.tracker.TrackerUser;

/**
 * Mentions of users in text (field values and comment bodies) between two trackers whose users
 * differ: the one place where they are translated, for every kind of text.
 *
 * <p>Sending, each mention of the local text ({@code [~id]} or {@code [~accountid:id]}) becomes
 * {@code [~user:id|display name|e-mail]} (each part with {@code %}, {@code |}, {@code [}, {@code
 * ]} and line breaks percent-encoded), so that the receiver can match the user without asking
 * the sender's tracker. Receiving, each such mention becomes the local tracker's {@link
 * IssueTracker#mention} of the user the synchronization's {@code user} mappings find (their rows,
 * then the first one's {@code matchBy}, {@code email} without one), else the display name as
 * plain text ({@code @Alice Archer}): never a mention of someone of the other site.
 *
 * <p>An escaped {@code \[~id]} is text, not a mention. Bounded on hostile text: a mention whose
 * id is longer than {@value #MAX_ID} characters or holds a control character or bracket is no
 * mention and stays as it is; at most {@value #MAX_LOOKUPS} users are looked up per text (the
 * others are as unknown), and the scan is linear. Lookups that the tracker refuses count as not
 * found. Each text costs the tracker a lookup per distinct user mentioned, each time it is
 * sent or received. Thread-safe (no state but the configuration).
 */
final class Mentions {
  static final int MAX_ID = 255;
  static final int MAX_LOOKUPS = 50;
  private static final String WIRE = "user:";
  private static final String CLOUD = "accountid:";
  /** The longest mention read: a wire mention of three parts, each percent-encoded. */
  private static final int MAX_INNER = WIRE.length() + 3 * 3 * MAX_ID + 2;

  private final IssueTracker tracker;
  private final Map<String, String> rows;
  private final String matchBy;

  Mentions(SyncConfiguration configuration, MappingSide side, IssueTracker tracker) {
    this.tracker = tracker;
    Map<String, String> table = new HashMap<>();
    String by = null;
    for (FieldMapping m : configuration.fieldMappings()) {
      if (!m.type().equals("user")) {
        continue;
      }
      by = by != null ? by : m.settings().path("matchBy").asText("email");
      for (JsonNode row : m.settings().path("rows")) {
        table.putIfAbsent(row.path(side.other().key()).asText(), row.path(side.key()).asText());
      }
    }
    this.rows = Map.copyOf(table);
    this.matchBy = by == null ? "email" : by;
  }

  /** A value to send: a text with its mentions in the wire form; other values as they are. */
  JsonNode export(JsonNode value) {
    if (value == null || !value.isTextual() || !value.asText().contains("[~")) {
      return value;
    }
    return JsonNodeFactory.instance.textNode(export(value.asText()));
  }

  /** A value received: a text with the wire form's mentions made local; others as they are. */
  JsonNode translate(JsonNode value) {
    if (value == null || !value.isTextual() || !value.asText().contains("[~")) {
      return value;
    }
    return JsonNodeFactory.instance.textNode(translate(value.asText()));
  }

  /** A local text with each mention in the wire form. */
  String export(String text) {
    Map<String, Optional<TrackerUser>> seen = new HashMap<>();
    return rewrite(text, inner -> {
      String id = inner.startsWith(CLOUD) ? inner.substring(CLOUD.length()) : inner;
      if (id.isEmpty() || id.length() > MAX_ID) {
        return null;
      }
      Optional<TrackerUser> user = seen.get(id);
      if (user == null) {
        user = seen.size() < MAX_LOOKUPS ? lookUp(id) : Optional.empty();
        seen.put(id, user);
      }
      return "[~" + WIRE + encode(id) + "|" + encode(user.map(TrackerUser::displayName).orElse(""))
          + "|" + encode(user.map(TrackerUser::email).orElse("")) + "]";
    });
  }

  /** A partner's text (wire form) with each mention made local, or the user's name as text. */
  String translate(String text) {
    Map<String, String> seen = new HashMap<>();
    return rewrite(text, inner -> {
      if (!inner.startsWith(WIRE)) {
        return null; // not from a sender that translates (a message queued before it did)
      }
      String[] parts = inner.substring(WIRE.length()).split("\\|", -1);
      String id = parts.length == 3 ? decode(parts[0]) : null;
      String name = id != null ? decode(parts[1]) : null;
      String email = name != null ? decode(parts[2]) : null;
      if (email == null || id.isEmpty() || id.length() > MAX_ID) {
        return "@" + plain(inner.substring(WIRE.length())); // malformed: text, not a mention
      }
      String local = rows.get(id);
      if (local == null) {
        if (!seen.containsKey(id)) {
          seen.put(id, seen.size() < MAX_LOOKUPS ? match(id, name, email) : null);
        }
        local = seen.get(id);
      }
      return local != null ? tracker.mention(local) : "@" + plain(name.isBlank() ? id : name);
    });
  }

  /** The local user for a partner's, by {@code matchBy}, or null. */
  private String match(String id, String name, String email) {
    try {
      if (matchBy.equals("id")) {
        return tracker.user(id).map(TrackerUser::id).orElse(null);
      }
      boolean byName = matchBy.equals("name");
      String wanted = byName ? name : email;
      if (wanted.isBlank()) {
        return null;
      }
      List<TrackerUser> found = tracker.findUsers(wanted).stream()
          .filter(u -> wanted.equalsIgnoreCase(byName ? u.displayName() : u.email()))
          .toList();
      return found.size() == 1 ? found.get(0).id() : null; // two alike: the name, not a guess
    } catch (TrackerException refused) {
      return null;
    }
  }

  private Optional<TrackerUser> lookUp(String id) {
    try {
      return tracker.user(id);
    } catch (TrackerException refused) {
      return Optional.empty(); // an id the tracker calls malformed: no user
    }
  }

  /**
   * The text with each {@code [~...]} replaced by what {@code replace} makes of its inside; null
   * leaves it as it is. Linear: a mention is looked for at most {@link #MAX_INNER} characters on.
   */
  private static String rewrite(String text, Function<String, String> replace) {
    StringBuilder out = new StringBuilder(text.length());
    int done = 0;
    int from = 0;
    while (true) {
      int start = text.indexOf("[~", from);
      if (start < 0) {
        break;
      }
      int end = -1;
      int limit = Math.min(text.length(), start + 2 + MAX_INNER + 1);
      for (int i = start + 2; i < limit; i++) {
        char c = text.charAt(i);
        if (c == ']') {
          end = i;
          break;
        }
        if (c == '[' || Character.isISOControl(c)) {
          break;
        }
      }
      int backslashes = 0;
      while (start - backslashes > 0 && text.charAt(start - backslashes - 1) == '\\') {
        backslashes++;
      }
      String replaced = end < 0 || backslashes % 2 == 1 // \[~x] is the text, not a mention
          ? null : replace.apply(text.substring(start + 2, end));
      if (replaced == null) {
        from = start + 2;
        continue;
      }
      out.append(text, done, start).append(replaced);
      done = end + 1;
      from = done;
    }
    return done == 0 ? text : out.append(text, done, text.length()).toString();
  }

  /** A part of a wire mention: at most {@value #MAX_ID} characters, percent-encoded. */
  private static String encode(String part) {
    StringBuilder out = new StringBuilder(part.length());
    for (int i = 0; part != null && i < Math.min(part.length(), MAX_ID); i++) {
      char c = part.charAt(i);
      if (c == '%' || c == '|' || c == '[' || c == ']' || Character.isISOControl(c)) {
        out.append('%').append(String.format("%02X", (int) c & 0xFF));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** A percent-encoded part, or null when it is malformed. */
  private static String decode(String part) {
    if (part.indexOf('%') < 0) {
      return part;
    }
    StringBuilder out = new StringBuilder(part.length());
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (i + 2 >= part.length()) {
        return null;
      }
      int hi = Character.digit(part.charAt(i + 1), 16);
      int lo = Character.digit(part.charAt(i + 2), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      out.append((char) (hi * 16 + lo));
      i += 2;
    }
    return out.toString();
  }

  /** A name as plain text: no brackets that could make markup, no line breaks, bounded. */
  private static String plain(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length() && out.length() < MAX_ID; i++) {
      char c = name.charAt(i);
      out.append(c == '[' ? '(' : c == ']' ? ')' : Character.isISOControl(c) ? ' ' : c);
    }
    return out.toString();
  }
}
