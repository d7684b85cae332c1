package org.backbonesync.core.internal;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Random JQL for the scope check's properties: valid conditions, token soup and noise. */
final class JqlArbitraries {
  private JqlArbitraries() {}

  /** Tokens as written, valid and not, weighted towards what could break a reading. */
  private static final List<String> TOKENS = List.of(
      "(", ")", "(", ")", "[", "]", ",", "=", "!=", "~", "!~", "<", "<=", ">", ">=", "!", "&",
      "&&", "|", "||", "AND", "and", "And", "OR", "or", "oR", "NOT", "not", "IN", "in", "IS",
      "is", "EMPTY", "null", "WAS", "changed", "ORDER", "order", "BY", "by", "asc", "DESC",
      "from", "TO", "after", "on", "during", "cf", "labels", "x", "y", "summary", "status",
      "project", "PA-1", "-1d", "10010", "issue.property", ".origin", "currentUser", "membersOf",
      "andy", "ORDERS", "x\\\"", "\\\"", "\\'", "\\\\", "\\ ", "a\\ b", "\\u0029", "\\u0028",
      "\\u00e9", "\\u00", "\\", "\\(", "\\)", "a\\tb", "\\n", "\\u004fR", "O\\u0052",
      "\"a b\"", "'c d'", "\"y\\\"z\"", "'it\\'s'", "\"(\"", "\")\"", "')'", "\"", "'",
      "\"unterminated", "\"a\\\"", "'\\\\'", "\"\\\\\"", "\"x) OR (y\"", "'\") OR (\"'",
      "\u00a0", "\u2028", "\u200b", "\ufeff", "\uff08", "\uff09", "\uff02", "\uff3c", "\u202e",
      "\u2066", "\ud800", "\udc00", "\ud83d\ude00", "\u00e9t\u00e9", "\u65e5\u672c", "\u0130N",
      "\u0131n", "\u212a", "\u0000", "\u000b", "\u0085", "\ufffe", ";", "#", "/", "*", "--",
      "/*", "*/", "{", "}", "?", "%", "@", "$", "^", "+");

  private static final List<String> SEPARATORS =
      List.of("", " ", " ", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000");

  /** A random run of tokens with random separators between them. */
  static Arbitrary<String> tokenSoup() {
    Arbitrary<String> token = Arbitraries.of(TOKENS);
    Arbitrary<String> separator = Arbitraries.of(SEPARATORS);
    return Combinators.combine(token, separator).as((t, s) -> t + s)
        .list().ofMinSize(1).ofMaxSize(24)
        .map(parts -> String.join("", parts));
  }

  /** Characters that matter to JQL's syntax, with letters and spaces: short random strings. */
  static Arbitrary<String> syntaxNoise() {
    return Arbitraries.strings()
        .withChars("()[]\"'\\ =!~<>,&|xyORANDorandEMPTYnotby-.u0029\t\n\u00a0\uff08\uff02")
        .ofMinLength(1).ofMaxLength(40);
  }

  /** Any characters at all, short. */
  static Arbitrary<String> anyNoise() {
    return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(30);
  }

  /** A valid JQL condition (no ORDER BY), nested at most {@code depth} levels. */
  static Arbitrary<String> condition(int depth) {
    return condition(depth, false);
  }

  /**
   * A condition Jira reads, whose unquoted words may also hold escaped quotes ({@code x\"y}),
   * which the scope check refuses: the material of the escape that issue 18 measured.
   */
  static Arbitrary<String> jiraCondition(int depth) {
    return condition(depth, true);
  }

  private static Arbitrary<String> condition(int depth, boolean quotesInWords) {
    if (depth <= 0) {
      return clause(quotesInWords);
    }
    Arbitrary<String> inner = condition(depth - 1, quotesInWords);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, clause(quotesInWords)),
        net.jqwik.api.Tuple.of(2, Combinators.combine(inner, space(), space())
            .as((c, s1, s2) -> "(" + s1 + c + s2 + ")")),
        net.jqwik.api.Tuple.of(3, Combinators.combine(inner, logical(), inner)
            .as((l, op, r) -> l + op + r)),
        net.jqwik.api.Tuple.of(1, Combinators.combine(not(), inner)
            .as((n, c) -> n + "(" + c + ")")),
        net.jqwik.api.Tuple.of(1, Combinators.combine(not(), clause(quotesInWords))
            .as((n, c) -> n + c)));
  }

  private static Arbitrary<String> space() {
    return Arbitraries.of("", " ", "  ", "\t", "\n", "\r\n");
  }

  private static Arbitrary<String> gap() {
    return Arbitraries.of(" ", "  ", "\t", "\n", "\r\n");
  }

  private static Arbitrary<String> logical() {
    Arbitrary<String> word = Combinators.combine(gap(), Arbitraries.of("AND", "and", "And",
        "OR", "or", "Or"), gap()).as((a, k, b) -> a + k + b);
    Arbitrary<String> symbol = Combinators.combine(space(), Arbitraries.of("&", "&&", "|", "||"),
        space()).as((a, k, b) -> a + k + b);
    return Arbitraries.oneOf(word, symbol);
  }

  private static Arbitrary<String> not() {
    return Arbitraries.of("NOT ", "not ", "Not\t", "!", "! ");
  }

  private static Arbitrary<String> field() {
    return Arbitraries.of("labels", "summary", "status", "project", "cf[10010]",
        "issue.property[origin].marker", "\"Epic Link\"", "'Story Points'", "customfield_10200",
        "fixVersion", "assignee");
  }

  /** A value: a plain word, a number, or a quoted string with anything in it. */
  static Arbitrary<String> value() {
    return value(false);
  }

  private static Arbitrary<String> value(boolean quotesInWords) {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').withChars("-_.0")
        .ofMinLength(1).ofMaxLength(8)
        .filter(w -> Character.isLetter(w.charAt(0)))
        .filter(w -> !List.of("and", "or", "not", "in", "is", "empty", "null", "was", "changed",
            "before", "after", "from", "to", "on", "during", "order", "by", "asc", "desc", "cf")
            .contains(w));
    Arbitrary<String> number = Arbitraries.integers().between(-99, 99999).map(String::valueOf);
    Arbitrary<String> content = Arbitraries.strings()
        .withChars("ab ()\"'\\,=!~ORANDorderby&|[]\n{}*;#\u00e9\u00a0\uff08\u65e5")
        .ofMaxLength(12);
    Arbitrary<String> quoted = Combinators.combine(Arbitraries.of('"', '\''), content,
        Arbitraries.of(true, false))
        .as((q, text, unicode) -> quote(q, text, unicode));
    Arbitrary<String> escapedWord = Combinators.combine(word, Arbitraries.of("\\ ", "\\\\",
        "\\t", "\\u00e9", "\\u65e5"), word).as((w1, e, w2) -> w1 + e + w2);
    Arbitrary<String> quoteInWord = Combinators.combine(word, Arbitraries.of("\\\"", "\\'"),
        word, Arbitraries.of("", "\\\"", "\\'")).as((w1, e, w2, e2) -> w1 + e + w2 + e2);
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, word),
        net.jqwik.api.Tuple.of(1, number), net.jqwik.api.Tuple.of(3, quoted),
        net.jqwik.api.Tuple.of(1, escapedWord),
        net.jqwik.api.Tuple.of(quotesInWords ? 4 : 0, quoteInWord));
  }

  /** {@code text} as a JQL string in {@code quote}s, escaped as Jira's encoder does. */
  static String quote(char quote, String text, boolean unicodeForNonAscii) {
    StringBuilder out = new StringBuilder().append(quote);
    for (char c : text.toCharArray()) {
      if (c == quote || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c > 0x7f && unicodeForNonAscii) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append(quote).toString();
  }

  private static Arbitrary<String> list(boolean quotesInWords) {
    return value(quotesInWords).list().ofMinSize(1).ofMaxSize(4)
        .map(values -> "(" + String.join(", ", values) + ")");
  }

  private static Arbitrary<String> function(boolean quotesInWords) {
    return Combinators.combine(Arbitraries.of("currentUser", "membersOf", "startOfDay",
        "linkedIssues", "issueHistory"), value(quotesInWords).list().ofMaxSize(2))
        .as((name, args) -> name + "(" + String.join(",", args) + ")");
  }

  /** One terminal clause of any shape the grammar has. */
  private static Arbitrary<String> clause(boolean q) {
    Arbitrary<String> compare = Combinators.combine(field(), space(),
        Arbitraries.of("=", "!=", "~", "!~", "<", "<=", ">", ">="), space(),
        Arbitraries.oneOf(value(q), function(q)))
        .as((f, s1, op, s2, v) -> f + s1 + op + s2 + v);
    Arbitrary<String> in = Combinators.combine(field(),
        Arbitraries.of(" in ", " IN ", " not in ", " NOT IN ", " In\t"), Arbitraries.oneOf(list(q),
            function(q)))
        .as((f, op, l) -> f + op + l);
    Arbitrary<String> is = Combinators.combine(field(), Arbitraries.of(" is ", " IS ",
        " is not ", " IS NOT "), Arbitraries.of("EMPTY", "empty", "null", "NULL"))
        .as((f, op, v) -> f + op + v);
    Arbitrary<String> was = Combinators.combine(field(), Arbitraries.of(" was ", " WAS NOT ",
        " was in ", " WAS NOT IN "), Arbitraries.oneOf(value(q), list(q)),
        Arbitraries.of("", " BY bob", " after -1d", " DURING (\"2024-01-01\", now())",
            " before startOfDay()"))
        .as((f, op, v, h) -> f + op + (op.trim().toLowerCase().endsWith("in")
            && !v.startsWith("(") ? "(" + v + ")" : v) + h);
    Arbitrary<String> changed = Combinators.combine(field(), Arbitraries.of(" changed",
        " CHANGED FROM a TO b", " changed by currentUser() after -2w", " CHANGED to 'Done'"))
        .as((f, c) -> f + c);
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, compare),
        net.jqwik.api.Tuple.of(2, in), net.jqwik.api.Tuple.of(2, is),
        net.jqwik.api.Tuple.of(1, was), net.jqwik.api.Tuple.of(1, changed));
  }

  /**
   * Two conditions Jira reads joined by {@code ) OR (}: Jira reads a top-level OR in {@code
   * (connector) AND (first) OR (second)}; a check that misreads a quote in the words does not.
   */
  static Arbitrary<String> breakout() {
    return Combinators.combine(jiraCondition(1), Arbitraries.of(") OR (", ")or(", ") || (",
        ")) OR ((", ") OR labels is not EMPTY OR ("), jiraCondition(1))
        .as((first, or, second) -> first + or + second);
  }

  /**
   * Attempts to get out, each a shape that one reading or another takes for harmless: a quote
   * escaped in a word ({@code x\")}, which a naive check takes for the start of a string while
   * Jira closes the parentheses after it), plain and look-alike parentheses, escaped ones,
   * other spaces around OR; between random conditions, in random case and spacing.
   */
  static Arbitrary<String> escapeAttempt() {
    Arbitrary<String> or = Arbitraries.of(" OR ", " or ", "||", " | ", "\tOr\n", "\u00a0OR\u00a0",
        "\u2003OR\u2003");
    Arbitrary<String> word = Arbitraries.of("x", "abc", "PA-1", "", "a\\ b");
    Arbitrary<String> shape = Arbitraries.of(
        "{P} AND labels = {W}\\{Q}) OR ({R}) OR (labels = {Q}{W}\\{Q}z{Q}",
        "{P} AND labels = {W}\\{Q})OR({R})OR(labels = {Q}{W}\\{Q}z{Q}",
        "{P} AND labels = {W}\\{Q}) OR ({R} AND labels = {Q}{W}\\{Q}{Q}",
        "{P} AND labels in ({W}\\{Q})) OR (({R}) OR labels in ({Q}{W}\\{Q}z{Q}",
        "{P}) OR ({R}",
        "{P})) OR (({R}",
        "{P} AND labels = {Q}{W}) OR ({R}{Q}",
        "{P} AND summary ~ {W}\\{Q}) OR ({R}) OR (summary ~ {Q}{W}{Q}",
        "{P}\uff09 OR \uff08{R}",
        "{P} AND labels = {W}\\u0029 OR \\u0028{R}",
        "{P} AND labels = {W}\\\\{Q}) OR ({R}) OR (labels = {Q}{W}\\{Q}{Q}",
        "{P} ORDER BY key",
        "{P}) ORDER BY key, ({R}");
    return Combinators.combine(shape, condition(1), condition(1), Arbitraries.of("\"", "'"), or,
        word).as((s, p, r, q, o, w) -> fill(s.replace(" OR ", "{O}"),
            Map.of('P', p, 'R', r, 'Q', q, 'W', w, 'O', o)));
  }

  /** {@code shape} with each {@code {X}} replaced by {@code values.get('X')}, in one pass. */
  private static String fill(String shape, Map<Character, String> values) {
    StringBuilder out = new StringBuilder();
    for (int k = 0; k < shape.length(); k++) {
      if (shape.charAt(k) == '{' && k + 2 < shape.length() && shape.charAt(k + 2) == '}') {
        out.append(values.get(shape.charAt(k + 1)));
        k += 2;
      } else {
        out.append(shape.charAt(k));
      }
    }
    return out.toString();
  }
}
