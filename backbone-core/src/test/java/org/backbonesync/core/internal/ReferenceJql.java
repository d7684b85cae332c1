package org.backbonesync.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference reading of Jira's JQL grammar ({@code Jql.g} of Jira Server/DC), written apart from
 * {@link JqlLexer} and {@link JqlScope} to judge them: a lexer made of the grammar's token
 * definitions as regular expressions, and a recursive-descent parser of its rules (query, or,
 * and, not, sub-clause, terminal clause with operators, operands, lists, functions, history
 * predicates, field references with brackets and properties, ORDER BY). It reads short texts
 * only (recursion and regular expressions), and answers a tree of clauses with the character
 * positions of each sub-clause's parentheses, or null where Jira would report an error.
 */
final class ReferenceJql {
  /** A clause: {@code kind} is or, and, not, sub (parenthesized) or term. */
  record Node(String kind, List<Node> children, int open, int close) {}

  private record Tok(String type, String text, int start) {}

  // The grammar's lexer rules. CONTROLCHARS: 0000-0009, 000b-000c, 000e-001f, 007f-009f,
  // fdd0-fdef, fffe-ffff. An unquoted STRING stops at whitespace and STRINGSTOP.
  private static final String ESC = "\\\\(?:[tnr\"'\\\\ ]|u[0-9a-fA-F]{4})";
  private static final String CONTROL =
      "\\x{0}-\\x{9}\\x{b}\\x{c}\\x{e}-\\x{1f}\\x{7f}-\\x{9f}\\x{fdd0}-\\x{fdef}\\x{fffe}\\x{ffff}";
  private static final Pattern WS = Pattern.compile("[ \\t\\r\\n]+");
  private static final Pattern DQ =
      Pattern.compile("\"(?:" + ESC + "|[^\\\\\"" + CONTROL + "])*\"");
  private static final Pattern SQ = Pattern.compile("'(?:" + ESC + "|[^\\\\'" + CONTROL + "])*'");
  private static final Pattern WORD = Pattern.compile(
      "(?:" + ESC + "|[^\\\\ \\t\\r\\n\"'=!<>()~,\\[\\]|&{}*/%+^$#@?;" + CONTROL + "])+");
  private static final Pattern OP =
      Pattern.compile("!=|!~|<=|>=|=|~|<|>|!|&&|&|\\|\\||\\||[(),\\[\\]]");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "in", "is", "empty",
      "null", "was", "changed", "before", "after", "from", "to", "on", "during", "order", "by",
      "asc", "desc", "cf");
  private static final Set<String> HISTORY = Set.of("from", "to", "by", "before", "after", "on",
      "during");

  private final List<Tok> toks;
  private int at;

  private ReferenceJql(List<Tok> toks) {
    this.toks = toks;
  }

  /** The tokens' types, or null where the lexer stops with an error. */
  static List<String> lex(String jql) {
    List<Tok> toks = tokens(jql);
    return toks == null ? null : toks.stream().map(Tok::type).toList();
  }

  /** The query's clause (null for an empty one), or throws {@link Refused} where Jira would. */
  static Node parse(String jql) {
    List<Tok> toks = tokens(jql);
    if (toks == null) {
      throw new Refused("lexer");
    }
    ReferenceJql p = new ReferenceJql(toks);
    Node clause = p.peekIs("order") || p.peekIs("EOF") ? null : p.or();
    if (p.peekIs("order")) {
      p.orderBy();
    }
    p.expect("EOF");
    return clause;
  }

  /** Jira would answer this text with an error. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String where) {
      super(where, null, false, false);
    }
  }

  private static List<Tok> tokens(String jql) {
    List<Tok> out = new ArrayList<>();
    int i = 0;
    while (i < jql.length()) {
      Matcher m;
      if ((m = WS.matcher(jql).region(i, jql.length())).lookingAt()) {
        i = m.end();
        continue;
      }
      if ((m = DQ.matcher(jql).region(i, jql.length())).lookingAt()
          || (m = SQ.matcher(jql).region(i, jql.length())).lookingAt()) {
        out.add(new Tok("string", m.group(), i));
      } else if ((m = OP.matcher(jql).region(i, jql.length())).lookingAt()) {
        String op = m.group();
        String type = switch (op) {
          case "&", "&&" -> "and";
          case "|", "||" -> "or";
          case "!" -> "not";
          case "(", ")", ",", "[", "]" -> op;
          default -> "op";
        };
        out.add(new Tok(type, op, i));
      } else if ((m = WORD.matcher(jql).region(i, jql.length())).lookingAt()) {
        String raw = m.group();
        String lower = raw.toLowerCase(Locale.ROOT);
        String type = raw.chars().allMatch(c -> c < 128) && KEYWORDS.contains(lower) ? lower
            : raw.matches("-?[0-9]+") ? "number" : "string";
        if (type.equals("string") && reservedAfterDecoding(raw)) {
          return null; // checkAndSet: a reserved word, e.g. an escaped keyword
        }
        out.add(new Tok(type, raw, i));
      } else {
        return null; // ERRORCHAR, ERROR_RESERVED, an unclosed quote or a bad escape
      }
      i = m.end();
    }
    out.add(new Tok("EOF", "", jql.length()));
    return out;
  }

  private static boolean reservedAfterDecoding(String raw) {
    StringBuilder decoded = new StringBuilder();
    for (int k = 0; k < raw.length(); k++) {
      char c = raw.charAt(k);
      if (c == '\\' && raw.charAt(k + 1) == 'u') {
        decoded.append((char) Integer.parseInt(raw.substring(k + 2, k + 6), 16));
        k += 5;
      } else if (c == '\\') {
        decoded.append(raw.charAt(++k));
      } else {
        decoded.append(c);
      }
    }
    return KEYWORDS.contains(decoded.toString().toLowerCase(Locale.ROOT));
  }

  private Tok peek() {
    return toks.get(at);
  }

  private boolean peekIs(String type) {
    return peek().type().equals(type);
  }

  private boolean peekIs(int ahead, String type) {
    return at + ahead < toks.size() && toks.get(at + ahead).type().equals(type);
  }

  private Tok expect(String type) {
    if (!peekIs(type)) {
      throw new Refused("expected " + type + " at " + peek().start());
    }
    return toks.get(at++);
  }

  private boolean accept(String type) {
    if (peekIs(type)) {
      at++;
      return true;
    }
    return false;
  }

  private Node or() {
    List<Node> parts = new ArrayList<>(List.of(and()));
    while (accept("or")) {
      parts.add(and());
    }
    return parts.size() == 1 ? parts.get(0) : new Node("or", parts, -1, -1);
  }

  private Node and() {
    List<Node> parts = new ArrayList<>(List.of(not()));
    while (accept("and")) {
      parts.add(not());
    }
    return parts.size() == 1 ? parts.get(0) : new Node("and", parts, -1, -1);
  }

  private Node not() {
    if (accept("not")) {
      return new Node("not", List.of(not()), -1, -1);
    }
    if (peekIs("(")) {
      int open = expect("(").start();
      Node inner = or();
      int close = expect(")").start();
      return new Node("sub", List.of(inner), open, close);
    }
    return term();
  }

  private Node term() {
    field();
    String op = operator();
    boolean operand = startsOperand();
    if (operand) {
      operand();
    }
    if (HISTORY.contains(peek().type())) {
      if (!op.startsWith("was") && !op.equals("changed")) {
        throw new Refused("history predicate after " + op);
      }
      while (HISTORY.contains(peek().type())) {
        at++;
        operand();
      }
    }
    if (!operand && !op.equals("changed")) {
      throw new Refused("operand missing at " + peek().start());
    }
    return new Node("term", List.of(), -1, -1);
  }

  private void field() {
    if (accept("number")) {
      return;
    }
    if (peekIs("cf")) {
      at++;
      expect("[");
      if (!peekIs("number") || peek().text().startsWith("-")) {
        throw new Refused("custom field id");
      }
      at++;
      expect("]");
    } else {
      expect("string");
    }
    while (accept("[")) {
      argument();
      expect("]");
      while (peekIs("string") && peek().text().startsWith(".")) {
        at++;
      }
    }
  }

  private String operator() {
    Tok t = peek();
    switch (t.type()) {
      case "op" -> {
        at++;
        return t.text();
      }
      case "in", "changed" -> {
        at++;
        return t.type();
      }
      case "is" -> {
        at++;
        return accept("not") ? "is not" : "is";
      }
      case "not" -> {
        if (!t.text().equalsIgnoreCase("not")) {
          throw new Refused("! as an operator");
        }
        at++;
        expect("in");
        return "not in";
      }
      case "was" -> {
        at++;
        boolean not = peekIs("not") && peek().text().equalsIgnoreCase("not") && accept("not");
        boolean in = accept("in");
        return "was" + (not ? " not" : "") + (in ? " in" : "");
      }
      default -> throw new Refused("operator at " + t.start());
    }
  }

  private boolean startsOperand() {
    return peekIs("empty") || peekIs("null") || peekIs("string") || peekIs("number")
        || peekIs("(");
  }

  private void operand() {
    if (accept("empty") || accept("null")) {
      return;
    }
    if (peekIs("(")) {
      expect("(");
      operand();
      while (accept(",")) {
        operand();
      }
      expect(")");
      return;
    }
    if (peekIs("string") || peekIs("number")) {
      at++;
      if (accept("(")) { // a function
        if (!peekIs(")")) {
          argument();
          while (accept(",")) {
            argument();
          }
        }
        expect(")");
      }
      return;
    }
    throw new Refused("operand at " + peek().start());
  }

  private void argument() {
    if (!accept("string") && !accept("number")) {
      throw new Refused("argument at " + peek().start());
    }
  }

  private void orderBy() {
    expect("order");
    expect("by");
    do {
      field();
      if (!accept("asc")) {
        accept("desc");
      }
    } while (accept(","));
  }
}
