package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>About 350 lines, on purpose: text and documents share the wire form, its bounds and the
 * lookups, and one class keeps them from drifting apart.
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
    return rewrite(text, exporter());
  }

  /** What a local mention's inside becomes in the wire form; null leaves it as it is. */
  private Function<String, String> exporter() {
    Map<String, Optional<TrackerUser>> seen = new HashMap<>();
    return inner -> {
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
    };
  }

  /** A partner's text (wire form) with each mention made local, or the user's name as text. */
  String translate(String text) {
    Function<String, Local> local = translator();
    return rewrite(text, inner -> {
      Local user = local.apply(inner);
      return user == null ? null : user.markup(tracker);
    });
  }

  /**
   * A partner's mention made local: the local user's id, or the text that stands for a user not
   * found here (or a malformed mention).
   */
  private record Local(String id, String text) {
    String markup(IssueTracker tracker) {
      return id != null ? tracker.mention(id) : text;
    }
  }

  /** What the inside of a wire mention is here; null for one not in the wire form. */
  private Function<String, Local> translator() {
    Map<String, String> seen = new HashMap<>();
    return inner -> {
      if (!inner.startsWith(WIRE)) {
        return null; // not from a sender that translates (a message queued before it did)
      }
      String[] parts = inner.substring(WIRE.length()).split("\\|", -1);
      String id = parts.length == 3 ? decode(parts[0]) : null;
      String name = id != null ? decode(parts[1]) : null;
      String email = name != null ? decode(parts[2]) : null;
      if (email == null || id.isEmpty() || id.length() > MAX_ID) {
        // malformed: text, not a mention
        return new Local(null, "@" + plain(inner.substring(WIRE.length())));
      }
      String local = rows.get(id);
      if (local == null) {
        if (!seen.containsKey(id)) {
          seen.put(id, seen.size() < MAX_LOOKUPS ? match(id, name, email) : null);
        }
        local = seen.get(id);
      }
      return new Local(local, local != null ? null : "@" + plain(name.isBlank() ? id : name));
    };
  }

  // ------------------------------------------------------------------ rich-text documents

  /**
   * A local rich-text document to send beside its text, which {@link #export(String)} made: each
   * mention node's {@code attrs.id} in the wire form, taken from that text (no user is looked up
   * again). Null when there is no document, when it is too large or deep for a message ({@link
   * Documents#fits}), or when it mentions someone the text does not (then the two disagree, and
   * the text goes alone).
   */
  JsonNode exportDocument(JsonNode document, String exportedText) {
    if (document == null || exportedText == null || !Documents.fits(document)) {
      return null;
    }
    Map<String, String> wire = new HashMap<>();
    rewrite(exportedText, inner -> {
      if (inner.startsWith(WIRE)) {
        String[] parts = inner.substring(WIRE.length()).split("\\|", -1);
        String id = decode(parts[0]);
        if (id != null) {
          wire.putIfAbsent(id, inner);
        }
      }
      return null;
    });
    JsonNode copy = document.deepCopy();
    boolean[] agree = {true};
    Documents.eachMention(copy, (parent, index, mention) -> {
      String inner = wire.get(mention.path("attrs").path("id").asText());
      if (inner == null) {
        agree[0] = false;
      } else {
        ((ObjectNode) mention.get("attrs")).put("id", inner);
      }
    });
    return agree[0] ? copy : null;
  }

  /** A received text with its document (or null), both with their mentions made local. */
  record Translated(JsonNode value, JsonNode document) {}

  /**
   * A partner's text value and the document beside it (null for none), each mention made local
   * as {@link #translate(String)} does, the users looked up once for both: in the document a
   * mention node of a user found here gets the local id, one of a user not found becomes the
   * text the translated text has in its place.
   */
  Translated translate(JsonNode value, JsonNode document) {
    if (document == null) {
      return new Translated(translate(value), null);
    }
    Function<String, Local> local = translator();
    Map<String, Local> known = new HashMap<>();
    Function<String, Local> once = inner -> known.computeIfAbsent(inner, local);
    JsonNode text = value;
    if (value != null && value.isTextual() && value.asText().contains("[~")) {
      text = JsonNodeFactory.instance.textNode(rewrite(value.asText(), inner -> {
        Local user = once.apply(inner);
        return user == null ? null : user.markup(tracker);
      }));
    }
    JsonNode copy = document.deepCopy();
    Documents.eachMention(copy, (parent, index, mention) -> {
      String inner = mention.path("attrs").path("id").asText();
      Local user = inner.length() <= MAX_INNER ? once.apply(inner) : null;
      if (user == null) {
        return; // as the text leaves [~id] of a sender that does not translate
      }
      if (user.id() != null) {
        ((ObjectNode) mention.get("attrs")).put("id", user.id());
      } else {
        parent.set(index, JsonNodeFactory.instance.objectNode().put("type", "text")
            .put("text", user.text()));
      }
    });
    return new Translated(text, copy);
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

  /**
   * A percent-encoded part, or null when it is malformed. Each escape is one character (as
   * {@link #encode} writes it), so the bytes are read as ISO-8859-1, which takes every byte.
   */
  private static String decode(String part) {
    return PercentEscapes.decode(part, StandardCharsets.ISO_8859_1, false);
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
