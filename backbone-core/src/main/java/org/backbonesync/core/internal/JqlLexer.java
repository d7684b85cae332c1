package org.backbonesync.core.internal;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splits JQL into tokens the way Jira's grammar does (the lexer of {@code Jql.g}), and refuses
 * every text where that reading could be disputed. Iterative and linear in the text's length.
 *
 * <p>As Jira reads it: whitespace is space, tab, CR and LF only; {@code ( ) [ ] ,} are tokens of
 * their own; operators are {@code = != ~ !~ < <= > >=}, {@code !} is NOT, {@code & &&} are AND and
 * {@code | ||} are OR; a string is quoted with {@code "} or {@code '}, may hold CR and LF but no
 * other control character, and ends at the first unescaped quote of its kind; any other run of
 * characters up to whitespace or one of {@code " ' = ! < > ( ) ~ , [ ] | &} is one word, in which
 * a backslash escapes the next character as in a string; escapes are {@code \t \n \r \" \' \\},
 * backslash-space and {@code \}{@code uXXXX}, nothing else; keywords ({@code AND OR NOT IN IS
 * EMPTY NULL WAS CHANGED ORDER BY ...}) are words spelt in ASCII letters of any case; {@code {
 * } * / % + ^ $ # @ ? ;} are reserved and an error outside quotes. JQL has no comments.
 *
 * <p>Refused besides, because another reader (a person, a log viewer, a library that normalizes
 * or unescapes first) could see something else than Jira: an escaped quote outside a string (Jira
 * reads {@code x\"} as a word, a naive reader as the start of a string), a {@code \}{@code u}
 * escape of an ASCII character (so no keyword or syntax is spelt with escapes), any control
 * character other than whitespace, any other Unicode space or format character outside a string
 * (Jira reads a no-break space as part of a word), bidirectional controls anywhere, unpaired
 * surrogates and noncharacters, and characters that Unicode normalization turns into JQL syntax
 * (a full-width parenthesis outside a string, a full-width quote or backslash anywhere).
 */
final class JqlLexer {
  // Over 300 lines on purpose: Jira's whole token grammar and every refusal, read side by side.

  /** What a token is, as far as the shape of a condition goes. */
  enum Kind {
    LPAREN, RPAREN, LBRACKET, RBRACKET, COMMA, OPERATOR, AND, OR, NOT, KEYWORD, WORD, STRING
  }

  /**
   * One token.
   *
   * @param start index of its first character
   * @param end index after its last character
   * @param text for a word, keyword or string: its value with escapes decoded (a string without
   *     its quotes); otherwise the characters as written
   */
  record Token(Kind kind, int start, int end, String text) {}

  /** Keywords of Jira's lexer other than AND, OR and NOT, in lower case. */
  private static final Map<String, Kind> KEYWORDS = Map.ofEntries(
      Map.entry("and", Kind.AND), Map.entry("or", Kind.OR), Map.entry("not", Kind.NOT),
      Map.entry("in", Kind.KEYWORD), Map.entry("is", Kind.KEYWORD),
      Map.entry("empty", Kind.KEYWORD), Map.entry("null", Kind.KEYWORD),
      Map.entry("was", Kind.KEYWORD), Map.entry("changed", Kind.KEYWORD),
      Map.entry("before", Kind.KEYWORD), Map.entry("after", Kind.KEYWORD),
      Map.entry("from", Kind.KEYWORD), Map.entry("to", Kind.KEYWORD),
      Map.entry("on", Kind.KEYWORD), Map.entry("during", Kind.KEYWORD),
      Map.entry("order", Kind.KEYWORD), Map.entry("by", Kind.KEYWORD),
      Map.entry("asc", Kind.KEYWORD), Map.entry("desc", Kind.KEYWORD));

  private static final String RESERVED = "{}*/%+^$#@?;";
  /** Ends a word besides whitespace and reserved characters. */
  private static final String WORD_STOP = "\"'=!<>()~,[]|&";

  private final String jql;
  private final List<Token> tokens = new ArrayList<>();
  private int i;

  private JqlLexer(String jql) {
    this.jql = jql;
  }

  /**
   * The tokens of {@code jql}, whitespace left out.
   *
   * @throws JqlRefusedException at the first character that Jira refuses or that could be read
   *     otherwise
   */
  static List<Token> tokens(String jql) {
    JqlLexer lexer = new JqlLexer(jql);
    lexer.run();
    return lexer.tokens;
  }

  private JqlRefusedException refused(int at, String reason) {
    return new JqlRefusedException(jql, at, reason);
  }

  // One flat branch per token shape of Jql.g, in the grammar's order; split, it reads worse.
  private void run() {
    int n = jql.length();
    while (i < n) {
      int start = i;
      char c = jql.charAt(i);
      if (whitespace(c)) {
        i++;
      } else if (c == '(' || c == ')' || c == '[' || c == ']' || c == ',') {
        i++;
        add(switch (c) {
          case '(' -> Kind.LPAREN;
          case ')' -> Kind.RPAREN;
          case '[' -> Kind.LBRACKET;
          case ']' -> Kind.RBRACKET;
          default -> Kind.COMMA;
        }, start, null);
      } else if (c == '=' || c == '~') {
        i++;
        add(Kind.OPERATOR, start, null);
      } else if (c == '!' || c == '<' || c == '>') {
        i++;
        char next = i < n ? jql.charAt(i) : 0;
        if (next == '=' || (c == '!' && next == '~')) {
          i++;
          add(Kind.OPERATOR, start, null);
        } else {
          add(c == '!' ? Kind.NOT : Kind.OPERATOR, start, null);
        }
      } else if (c == '&' || c == '|') {
        i++;
        if (i < n && jql.charAt(i) == c) {
          i++;
        }
        add(c == '&' ? Kind.AND : Kind.OR, start, null);
      } else if (c == '"' || c == '\'') {
        string(c);
      } else if (RESERVED.indexOf(c) >= 0) {
        throw refused(start, "the reserved character " + Shown.quoted(String.valueOf(c))
            + " outside quotes (Jira refuses it; put the value in quotes)");
      } else {
        word();
      }
    }
  }

  private void add(Kind kind, int start, String text) {
    tokens.add(new Token(kind, start, i, text != null ? text : jql.substring(start, i)));
  }

  /** A quoted string, from its opening quote at {@code i}. */
  private void string(char quote) {
    int start = i++;
    StringBuilder value = new StringBuilder();
    while (true) {
      if (i >= jql.length()) {
        throw refused(start, "a " + (quote == '"' ? "double" : "single")
            + " quote that is never closed");
      }
      char c = jql.charAt(i);
      if (c == quote) {
        i++;
        add(Kind.STRING, start, value.toString());
        return;
      }
      if (c == '\\') {
        escape(value, true);
        continue;
      }
      int cp = codePoint(i);
      if (c != '\n' && c != '\r') {
        String why = refusedInString(cp);
        if (why != null) {
          throw refused(i, why);
        }
      }
      value.appendCodePoint(cp);
      i += Character.charCount(cp);
    }
  }

  /** An unquoted word (a value, a field, a function name, a number or a keyword) at {@code i}. */
  private void word() {
    int start = i;
    StringBuilder value = new StringBuilder();
    boolean escaped = false;
    while (i < jql.length()) {
      char c = jql.charAt(i);
      if (whitespace(c) || WORD_STOP.indexOf(c) >= 0 || RESERVED.indexOf(c) >= 0) {
        break;
      }
      if (c == '\\') {
        escape(value, false);
        escaped = true;
        continue;
      }
      int cp = codePoint(i);
      String why = refusedInWord(cp);
      if (why != null) {
        throw refused(i, why);
      }
      value.appendCodePoint(cp);
      i += Character.charCount(cp);
    }
    String text = value.toString();
    // A keyword is spelt in plain letters: an escape that decodes to an ASCII letter is refused.
    Kind keyword = escaped || !ascii(text) ? null : KEYWORDS.get(lowerAscii(text));
    add(keyword != null ? keyword : Kind.WORD, start, text);
  }

  /** The escape at {@code i} (a backslash), decoded into {@code value}. */
  private void escape(StringBuilder value, boolean inString) {
    int start = i;
    if (i + 1 >= jql.length()) {
      throw refused(start, "a backslash at the end, escaping nothing");
    }
    char c = jql.charAt(i + 1);
    switch (c) {
      case 't' -> value.append('\t');
      case 'n' -> value.append('\n');
      case 'r' -> value.append('\r');
      case '\\', ' ' -> value.append(c);
      case '"', '\'' -> {
        if (!inString) {
          throw refused(start, "an escaped quote outside quotes (Jira reads it as part of a"
              + " word, other readers as the start of a string; put the value in quotes)");
        }
        value.append(c);
      }
      case 'u' -> {
        int cp = unicode(start);
        String why = cp < 0x80
            ? "a \\u escape of the ASCII character " + Shown.quoted(String.valueOf((char) cp))
                + " (write it as it is, in quotes if need be)"
            : inString ? refusedInString(cp) : refusedInWord(cp);
        if (why != null) {
          throw refused(start, why);
        }
        value.append((char) cp);
        i = start + 6;
        return;
      }
      default -> throw refused(start, "the unknown escape "
          + Shown.quoted("\\" + new String(Character.toChars(codePoint(i + 1))))
          + " (JQL knows \\t \\n \\r \\\" \\' \\\\, backslash-space and \\uXXXX)");
    }
    i += 2;
  }

  private int unicode(int start) {
    if (start + 6 > jql.length()) {
      throw refused(start, "a \\u escape without four hex digits");
    }
    int cp = 0;
    for (int k = start + 2; k < start + 6; k++) {
      int digit = Character.digit(jql.charAt(k), 16);
      if (digit < 0 || jql.charAt(k) > 'f') {
        throw refused(start, "a \\u escape without four hex digits");
      }
      cp = cp * 16 + digit;
    }
    return cp;
  }

  /** The code point at {@code at}; an unpaired surrogate is refused. */
  private int codePoint(int at) {
    char c = jql.charAt(at);
    if (Character.isHighSurrogate(c) && at + 1 < jql.length()
        && Character.isLowSurrogate(jql.charAt(at + 1))) {
      return Character.toCodePoint(c, jql.charAt(at + 1));
    }
    if (Character.isSurrogate(c)) {
      throw refused(at, "an unpaired surrogate (not a character)");
    }
    return c;
  }

  private static boolean whitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  /** Why this character may not stand in a quoted string, or null. */
  private static String refusedInString(int cp) {
    String why = refusedAnywhere(cp);
    if (why != null) {
      return why;
    }
    String normal = normalized(cp);
    if (normal != null && (normal.indexOf('"') >= 0 || normal.indexOf('\'') >= 0
        || normal.indexOf('\\') >= 0)) {
      return "the character " + name(cp) + ", which Unicode normalization turns into "
          + Shown.quoted(normal);
    }
    return null;
  }

  /** Why this character may not stand in an unquoted word, or null. */
  private static String refusedInWord(int cp) {
    String why = refusedAnywhere(cp);
    if (why != null) {
      return why;
    }
    if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)
        || Character.getType(cp) == Character.FORMAT) {
      return "the space or format character " + name(cp) + " outside quotes (Jira reads it as"
          + " part of a word, people and other readers as a space; put the value in quotes)";
    }
    String normal = normalized(cp);
    if (normal != null) {
      for (int k = 0; k < normal.length(); k++) {
        char n = normal.charAt(k);
        if (whitespace(n) || n == '\\' || WORD_STOP.indexOf(n) >= 0 || RESERVED.indexOf(n) >= 0) {
          return "the character " + name(cp) + " outside quotes, which Unicode normalization"
              + " turns into " + Shown.quoted(normal) + " (put the value in quotes)";
        }
      }
    }
    return null;
  }

  private static String refusedAnywhere(int cp) {
    if (Character.getType(cp) == Character.SURROGATE) {
      return "the surrogate " + name(cp) + " alone (not a character)";
    }
    if (Character.getType(cp) == Character.CONTROL || (cp >= 0xfdd0 && cp <= 0xfdef)
        || (cp & 0xfffe) == 0xfffe) {
      return "the control character or noncharacter " + name(cp) + " (Jira refuses it)";
    }
    if (cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e)
        || (cp >= 0x2066 && cp <= 0x2069)) {
      return "the bidirectional control " + name(cp) + " (it shows the text in another order"
          + " than Jira reads it)";
    }
    return null;
  }

  /** The NFKC form of a non-ASCII character when it differs, else null. */
  private static String normalized(int cp) {
    if (cp < 0x80) {
      return null;
    }
    String one = new String(Character.toChars(cp));
    String normal = Normalizer.normalize(one, Normalizer.Form.NFKC);
    return normal.equals(one) ? null : normal;
  }

  private static String name(int cp) {
    return String.format("U+%04X", cp);
  }

  private static boolean ascii(String text) {
    for (int k = 0; k < text.length(); k++) {
      if (text.charAt(k) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static String lowerAscii(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int k = 0; k < text.length(); k++) {
      char c = text.charAt(k);
      out.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
    }
    return out.toString();
  }
}
