package org.backbonesync.core.internal;

import java.util.List;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.ConfigurationProblem;

/**
 * Combines a connector's JQL with a caller's so that the caller can only narrow it, and checks
 * that a JQL text is one condition that can be put in parentheses: read token by token as Jira
 * reads it ({@link JqlLexer}, which also refuses whatever another reader could read otherwise),
 * its parentheses never close more than they opened and all close, brackets pair up, it does not
 * sort (no ORDER), is not empty and not longer than {@link #MAX_LENGTH}. Such a text, between
 * {@code (} and {@code )}, stays between them whatever surrounds it: in Jira's grammar every
 * parenthesis pairs with the one that balances it. The check is iterative and linear, so any
 * depth of parentheses is answered, not a stack overflow.
 *
 * <p>The connector's own {@code jql} and {@code incomingJql} pass the same check when a
 * configuration is built, so {@code project = "PA" AND (jql)} cannot leave the project either.
 */
public final class JqlScope {
  /** The longest JQL text accepted, in characters (Jira searches by GET, in the URL). */
  public static final int MAX_LENGTH = 10_000;

  private JqlScope() {}

  /**
   * @param scope the connector's JQL, or null for the whole project (the tracker adds the
   *     project); checked when the configuration was built
   * @param caller the caller's JQL, or null
   * @return the combined JQL, or null when both are null
   * @throws AdminException (400) naming what is wrong with the caller's JQL and where, with the
   *     problem at {@code $.jql}
   */
  static String narrow(String scope, String caller) {
    if (caller == null) {
      return scope;
    }
    try {
      check(caller);
    } catch (JqlRefusedException e) {
      throw new AdminException(400, e.getMessage()
          + "; it must be one condition that narrows the synchronization's JQL",
          List.of(new ConfigurationProblem("$.jql", e.where())));
    }
    return scope == null ? "(" + caller + ")" : "(" + scope + ") AND (" + caller + ")";
  }

  /**
   * Checks that {@code jql} is one condition that stays inside parentheses put around it.
   *
   * @throws JqlRefusedException naming the text, the position and the reason
   */
  public static void check(String jql) {
    if (jql == null || jql.isEmpty()) {
      throw new JqlRefusedException(jql == null ? "" : jql, 0, "an empty condition");
    }
    if (jql.length() > MAX_LENGTH) {
      throw new JqlRefusedException(jql, MAX_LENGTH, "more than " + MAX_LENGTH + " characters ("
          + jql.length() + ")");
    }
    List<JqlLexer.Token> tokens = JqlLexer.tokens(jql);
    if (tokens.isEmpty()) {
      throw new JqlRefusedException(jql, 0, "an empty condition");
    }
    Nesting nesting = new Nesting(jql, tokens.size());
    for (JqlLexer.Token t : tokens) {
      nesting.accept(t);
    }
    nesting.end();
  }

  /** Parentheses and brackets as the tokens open and close them; refuses what does not nest. */
  private static final class Nesting {
    private final String jql;
    private final int[] open;
    private int depth;
    private JqlLexer.Token bracket;

    Nesting(String jql, int tokens) {
      this.jql = jql;
      this.open = new int[tokens];
    }

    void accept(JqlLexer.Token t) {
      switch (t.kind()) {
        case LPAREN, RPAREN -> {
          if (bracket != null) {
            throw new JqlRefusedException(jql, t.start(), "a parenthesis inside [ ]");
          }
          if (t.kind() == JqlLexer.Kind.LPAREN) {
            open[depth++] = t.start();
          } else if (depth == 0) {
            throw new JqlRefusedException(jql, t.start(), "a \")\" that closes no \"(\"");
          } else {
            depth--;
          }
        }
        case LBRACKET -> {
          if (bracket != null) {
            throw new JqlRefusedException(jql, t.start(), "a \"[\" inside [ ]");
          }
          bracket = t;
        }
        case RBRACKET -> {
          if (bracket == null) {
            throw new JqlRefusedException(jql, t.start(), "a \"]\" that closes no \"[\"");
          }
          bracket = null;
        }
        case KEYWORD -> {
          if (t.text().equalsIgnoreCase("order")) {
            throw new JqlRefusedException(jql, t.start(), "the keyword ORDER (a condition"
                + " cannot sort: the engine does; to match the word, put it in quotes)");
          }
        }
        default -> { }
      }
    }

    void end() {
      if (bracket != null) {
        throw new JqlRefusedException(jql, bracket.start(), "a \"[\" that is never closed");
      }
      if (depth > 0) {
        throw new JqlRefusedException(jql, open[depth - 1], "a \"(\" that is never closed"
            + (depth > 1 ? " (" + depth + " are open at the end)" : ""));
      }
    }
  }
}
