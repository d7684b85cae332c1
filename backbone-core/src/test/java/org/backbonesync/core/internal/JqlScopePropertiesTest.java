package org.backbonesync.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.backbonesync.core.AdminException;

/**
 * Whatever text the scope check accepts stays inside the parentheses it is put in, under {@link
 * ReferenceJql}, a separate reading of Jira's grammar: in {@code (connector) AND (caller)}, in the
 * query the Jira adapter sends ({@code project = ... AND (...) ORDER BY ...}) and in the incoming
 * JQL's {@code key = ... AND (...)}. And every valid condition is accepted. Each property runs
 * jqwik's default number of tries (junit-platform.properties: 1000, about a second); a long run
 * sets it on the command line, e.g. {@code -Djqwik.tries.default=1000000}.
 */
class JqlScopePropertiesTest {
  private static final String PREFIX = "project = \"PA\" AND updated >= \"2024-01-01 00:00\" AND (";
  private static final String SUFFIX = ") ORDER BY updated ASC, key ASC";

  @Provide
  Arbitrary<String> anything() {
    return Arbitraries.oneOf(JqlArbitraries.tokenSoup(), JqlArbitraries.syntaxNoise(),
        JqlArbitraries.anyNoise(), JqlArbitraries.escapeAttempt(), JqlArbitraries.breakout(),
        JqlArbitraries.condition(3), JqlArbitraries.jiraCondition(2));
  }

  @Provide
  Arbitrary<String> connector() {
    return Arbitraries.oneOf(JqlArbitraries.condition(2), Arbitraries.just("labels = sync"));
  }

  @Provide
  Arbitrary<String> valid() {
    return JqlArbitraries.condition(3);
  }

  @Property
  void anAcceptedCallerJqlStaysInsideItsParentheses(@ForAll("connector") String connector,
      @ForAll("anything") String caller) {
    boolean accepted = accepted(caller);
    Statistics.label("caller accepted").collect(accepted);
    if (!accepted) {
      return;
    }
    JqlScope.check(connector);
    assertNotNull(ReferenceJql.lex(caller), "accepted, yet Jira's lexer stops in it");

    String combined = JqlScope.narrow(connector, caller);
    assertEquals("(" + connector + ") AND (" + caller + ")", combined);
    boolean parsed = contained(combined, connector, caller, 0);
    Statistics.label("Jira would run it").collect(parsed);
    if (parsed) {
      assertTrue(contained(PREFIX + combined + SUFFIX, connector, caller, PREFIX.length()));
    }
  }

  @Property
  void anAcceptedConnectorJqlStaysInsideTheProject(@ForAll("anything") String jql) {
    if (!accepted(jql)) {
      return;
    }
    String incoming = "key = \"PA-1\" AND (" + jql + ")";
    try {
      ReferenceJql.Node root = ReferenceJql.parse(incoming);
      assertEquals("and", root.kind(), incoming);
      assertEquals(2, root.children().size(), incoming);
      ReferenceJql.Node sub = root.children().get(1);
      assertEquals("sub", sub.kind(), incoming);
      assertEquals(incoming.length() - jql.length() - 2, sub.open(), incoming);
      assertEquals(incoming.length() - 1, sub.close(), incoming);
    } catch (ReferenceJql.Refused e) {
      // Jira answers an error: nothing is searched
    }
  }

  @Property
  void everyValidConditionIsAcceptedAndRunsScoped(@ForAll("valid") String caller,
      @ForAll("connector") String connector) {
    try {
      JqlScope.check(caller);
    } catch (JqlRefusedException e) {
      fail("valid JQL refused: " + e.getMessage());
    }
    ReferenceJql.parse(caller); // the generator writes what Jira reads
    assertTrue(contained(JqlScope.narrow(connector, caller), connector, caller, 0));
  }

  @Property
  void noTextMakesTheCheckThrowAnythingButARefusal(@ForAll("anything") String jql) {
    try {
      JqlScope.check(jql);
    } catch (JqlRefusedException e) {
      assertTrue(e.position() >= 0 && e.position() <= jql.length(), e.getMessage());
      assertTrue(e.getMessage().length() < 1_000, e.getMessage());
      assertEquals(jql, e.jql());
    }
  }

  private static boolean accepted(String jql) {
    try {
      JqlScope.narrow(null, jql);
      return true;
    } catch (AdminException e) {
      assertEquals(400, e.status());
      assertEquals(List.of("$.jql"), e.problems().stream().map(p -> p.path()).toList());
      return false;
    }
  }

  /**
   * Whether the reference parses {@code text}; when it does, asserts that its clause at {@code
   * offset} is {@code (connector) AND (caller)} with exactly the parentheses the scope put in.
   */
  private static boolean contained(String text, String connector, String caller, int offset) {
    ReferenceJql.Node root;
    try {
      root = ReferenceJql.parse(text);
    } catch (ReferenceJql.Refused e) {
      return false;
    }
    ReferenceJql.Node and = root;
    if (offset > 0) {
      assertEquals("and", root.kind(), text);
      assertEquals(3, root.children().size(), text);
      ReferenceJql.Node outer = root.children().get(2);
      assertEquals("sub", outer.kind(), text);
      assertEquals(offset - 1, outer.open(), text);
      assertEquals(text.length() - SUFFIX.length(), outer.close(), text);
      and = outer.children().get(0);
    }
    assertEquals("and", and.kind(), text);
    assertEquals(2, and.children().size(), text);
    ReferenceJql.Node first = and.children().get(0);
    ReferenceJql.Node second = and.children().get(1);
    assertEquals("sub", first.kind(), text);
    assertEquals(offset, first.open(), text);
    assertEquals(offset + 1 + connector.length(), first.close(), text);
    assertEquals("sub", second.kind(), text);
    assertEquals(offset + connector.length() + 7, second.open(), text);
    assertEquals(offset + connector.length() + 8 + caller.length(), second.close(), text);
    return true;
  }
}
