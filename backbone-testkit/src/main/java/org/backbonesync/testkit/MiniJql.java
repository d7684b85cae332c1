package org.backbonesync.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.tracker.TrackerException;

/**
 * The small part of JQL the in-memory tracker understands: clauses {@code field = value}, {@code
 * field != value}, {@code field in (v1, v2)}, {@code field not in (...)}, {@code field is EMPTY},
 * {@code field is not EMPTY}, joined by {@code AND}, grouped by parentheses; values bare or in
 * double quotes. {@code
 * project}, {@code key} and {@code issuetype} (or {@code type}) are understood besides field ids;
 * on an array field, {@code =} means "contains"; {@code updated} and {@code created} compare with
 * {@code >=}, {@code >}, {@code <=}, {@code <} against {@code "yyyy-MM-dd HH:mm"} or {@code
 * "yyyy-MM-dd"} read in the searching user's zone, with minute precision as in Jira; {@code
 * issue.property[key].origin} is the issue's origin marker; {@code creator = currentUser()} works
 * when the searching user is known. Anything else is refused with a {@link
 * TrackerException} naming the part it did not understand, never silently matched.
 */
final class MiniJql {
  private static final ThreadLocal<java.time.ZoneId> ZONE = new ThreadLocal<>();
  private static final ThreadLocal<String> USER = new ThreadLocal<>();

  private MiniJql() {}

  static Predicate<TrackedIssue> parse(String jql) {
    return parse(jql, java.time.ZoneOffset.UTC);
  }

  static Predicate<TrackedIssue> parse(String jql, java.time.ZoneId zone) {
    return parse(jql, zone, null);
  }

  /** As {@link #parse(String, java.time.ZoneId)}, with {@code currentUser()} as {@code user}. */
  static Predicate<TrackedIssue> parse(String jql, java.time.ZoneId zone, String user) {
    List<String> tokens = tokenize(jql);
    int[] at = {0};
    ZONE.set(zone);
    USER.set(user);
    Predicate<TrackedIssue> result;
    try {
      result = expression(tokens, at, jql);
    } finally {
      ZONE.remove();
      USER.remove();
    }
    if (at[0] != tokens.size()) {
      throw refused(jql, "\"" + tokens.get(at[0]) + "\" where AND or the end was expected");
    }
    return result;
  }

  /** expression := term (AND term)* */
  private static Predicate<TrackedIssue> expression(List<String> tokens, int[] at, String jql) {
    Predicate<TrackedIssue> result = term(tokens, at, jql);
    while (at[0] < tokens.size() && tokens.get(at[0]).equalsIgnoreCase("AND")) {
      at[0]++;
      result = result.and(term(tokens, at, jql));
    }
    return result;
  }

  /** term := '(' expression ')' | clause */
  private static Predicate<TrackedIssue> term(List<String> tokens, int[] at, String jql) {
    if (token(tokens, at[0], jql).equals("(")) {
      at[0]++;
      Predicate<TrackedIssue> inner = expression(tokens, at, jql);
      expect(tokens, at[0]++, ")", jql);
      return inner;
    }
    return clause(tokens, at, jql);
  }

  private static Predicate<TrackedIssue> clause(List<String> tokens, int[] at, String jql) {
    int i = at[0];
    String field = token(tokens, i++, jql);
    String op = token(tokens, i++, jql).toUpperCase(Locale.ROOT);
    Predicate<TrackedIssue> clause;
    if (op.equals("IS")) {
      boolean not = token(tokens, i, jql).equalsIgnoreCase("NOT");
      if (not) {
        i++;
      }
      expect(tokens, i++, "EMPTY", jql);
      Predicate<TrackedIssue> empty = issue -> isEmpty(value(issue, field));
      clause = not ? empty.negate() : empty;
    } else if (op.equals("=") || op.equals("!=")) {
      String given = unquote(token(tokens, i++, jql));
      if (given.equalsIgnoreCase("currentUser") && i < tokens.size()
          && tokens.get(i).equals("(")) {
        expect(tokens, i + 1, ")", jql);
        i += 2;
        given = USER.get();
        if (given == null) {
          throw refused(jql, "currentUser() without a searching user");
        }
      }
      String expected = given;
      Predicate<TrackedIssue> eq = issue -> matches(value(issue, field), List.of(expected));
      clause = op.equals("=") ? eq : eq.negate();
    } else if (op.equals("IN") || op.equals("NOT")) {
      boolean not = op.equals("NOT");
      if (not) {
        expect(tokens, i++, "IN", jql);
      }
      expect(tokens, i++, "(", jql);
      List<String> values = new ArrayList<>();
      while (!token(tokens, i, jql).equals(")")) {
        if (!values.isEmpty()) {
          expect(tokens, i++, ",", jql);
        }
        values.add(unquote(token(tokens, i++, jql)));
      }
      i++;
      Predicate<TrackedIssue> in = issue -> matches(value(issue, field), values);
      clause = not ? in.negate() : in;
    } else if (op.startsWith(">") || op.startsWith("<")) {
      String f = field.toLowerCase(Locale.ROOT);
      if (!f.equals("updated") && !f.equals("created")) {
        throw refused(jql, "a comparison on " + field);
      }
      String v = unquote(token(tokens, i++, jql));
      long bound = minute(v, jql);
      java.util.function.ToLongFunction<TrackedIssue> time =
          f.equals("updated") ? TrackedIssue::updated : TrackedIssue::created;
      clause = switch (op) {
        case ">=" -> issue -> time.applyAsLong(issue) >= bound;
        case ">" -> issue -> time.applyAsLong(issue) >= bound + 60_000;
        case "<=" -> issue -> time.applyAsLong(issue) < bound + 60_000;
        default -> issue -> time.applyAsLong(issue) < bound;
      };
    } else {
      throw refused(jql, "operator \"" + op + "\"");
    }
    at[0] = i;
    return clause;
  }

  private static JsonNode value(TrackedIssue issue, String field) {
    String f = field.toLowerCase(Locale.ROOT);
    var nodes = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    return switch (f) {
      case "project" -> nodes.textNode(issue.key().substring(0, issue.key().lastIndexOf('-')));
      case "key", "issuekey" -> nodes.textNode(issue.key());
      case "issuetype", "type" -> nodes.textNode(issue.issueType());
      case "creator" -> nodes.textNode(issue.creator());
      case "status", "priority", "resolution", "assignee", "reporter", "labels", "summary",
          "description" -> issue.field(f);
      default -> f.startsWith("issue.property[") && f.endsWith("].origin")
          ? (issue.originMarker() == null ? com.fasterxml.jackson.databind.node.NullNode
              .getInstance() : nodes.textNode(issue.originMarker()))
          : issue.field(field);
    };
  }

  private static long minute(String value, String jql) {
    java.time.ZoneId zone = ZONE.get();
    try {
      String v = value.trim();
      java.time.LocalDateTime at = v.length() == 10
          ? java.time.LocalDate.parse(v).atStartOfDay()
          : java.time.LocalDateTime.parse(v.replace(' ', 'T'));
      return at.atZone(zone).toInstant().toEpochMilli();
    } catch (java.time.format.DateTimeParseException e) {
      throw refused(jql, "the date \"" + value + "\" (expected \"yyyy-MM-dd HH:mm\")");
    }
  }

  private static boolean isEmpty(JsonNode v) {
    return v.isNull() || (v.isArray() && v.isEmpty()) || (v.isTextual() && v.asText().isEmpty());
  }

  private static boolean matches(JsonNode v, List<String> expected) {
    if (v.isArray()) {
      for (JsonNode item : v) {
        if (expected.stream().anyMatch(e -> e.equalsIgnoreCase(item.asText()))) {
          return true;
        }
      }
      return false;
    }
    return !v.isNull() && expected.stream().anyMatch(e -> e.equalsIgnoreCase(v.asText()));
  }

  private static List<String> tokenize(String jql) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    while (i < jql.length()) {
      char c = jql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"') {
        int end = jql.indexOf('"', i + 1);
        if (end < 0) {
          throw refused(jql, "an unbalanced quote");
        }
        tokens.add(jql.substring(i, end + 1));
        i = end + 1;
      } else if (c == '(' || c == ')' || c == ',') {
        tokens.add(String.valueOf(c));
        i++;
      } else if (c == '!' && i + 1 < jql.length() && jql.charAt(i + 1) == '=') {
        tokens.add("!=");
        i += 2;
      } else if (c == '=') {
        tokens.add("=");
        i++;
      } else if (c == '>' || c == '<') {
        boolean eq = i + 1 < jql.length() && jql.charAt(i + 1) == '=';
        tokens.add(eq ? c + "=" : String.valueOf(c));
        i += eq ? 2 : 1;
      } else {
        int start = i;
        while (i < jql.length() && !Character.isWhitespace(jql.charAt(i))
            && "()=,!<>\"".indexOf(jql.charAt(i)) < 0) {
          i++;
        }
        if (start == i) {
          throw refused(jql, "\"" + c + "\"");
        }
        tokens.add(jql.substring(start, i));
      }
    }
    return tokens;
  }

  private static String token(List<String> tokens, int i, String jql) {
    if (i >= tokens.size()) {
      throw refused(jql, "its end (something is missing)");
    }
    return tokens.get(i);
  }

  private static void expect(List<String> tokens, int i, String word, String jql) {
    String t = token(tokens, i, jql);
    if (!t.equalsIgnoreCase(word)) {
      throw refused(jql, "\"" + t + "\" where " + word + " was expected");
    }
  }

  private static String unquote(String t) {
    return t.startsWith("\"") ? t.substring(1, t.length() - 1) : t;
  }

  private static TrackerException refused(String jql, String what) {
    return new TrackerException("InMemoryIssueTracker does not understand " + what + " in JQL \""
        + jql + "\"", null, Map.of("jql", "unsupported"));
  }
}
