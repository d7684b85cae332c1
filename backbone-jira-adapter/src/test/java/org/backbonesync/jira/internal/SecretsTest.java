package org.backbonesync.jira.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretsTest {
  private static final String TOKEN = "s3cret-token/4711+abc=";
  private static final String BASIC = Base64.getEncoder().encodeToString(
      ("sync@example.com:" + TOKEN).getBytes(StandardCharsets.UTF_8));
  private final Secrets secrets = Secrets.of(Set.of("Basic " + BASIC));

  @Test
  void printedTheSecretsShowNoneOfThemselves() {
    String shown = secrets + " " + secrets.fragmented();
    assertEquals(false, shown.contains("s3cret") || shown.contains(BASIC), shown);
  }

  @Test
  void theHeaderThePairAndThePasswordAreBlottedOut() {
    assertEquals("h *** p *** t *** end", secrets.scrub("h Basic " + BASIC + " p sync@example.com:"
        + TOKEN + " t " + TOKEN + " end"));
  }

  @Test
  void aPasswordPercentEncodedInAUrlIsBlottedOut() {
    assertEquals("/login/***?x=1", secrets.scrub("/login/s3cret-token%2F4711%2Babc%3D?x=1"));
  }

  @Test
  void aRunOfTwelveCharactersOfAPasswordIsBlottedOutWhereTheWholeIsNot() {
    assertEquals("cut: ***…", secrets.scrub("cut: s3cret-token/47…"));
    assertEquals("end: ***", secrets.scrub("end: ken/4711+abc="));
    assertEquals("two: *** and ***", secrets.scrub("two: s3cret-token/ and en/4711+abc="));
  }

  @Test
  void theSecretsOfSeveralRequestsAreBlottedOutTogether() {
    Secrets both = secrets.and(Secrets.of(Set.of("Bearer other-token-0815")));
    assertEquals("*** and ***", both.scrub(TOKEN + " and other-token-0815"));
    assertEquals(both, both.and(secrets), "the same again adds nothing");
  }

  @Test
  void ordinaryTextAndShortRunsStay() {
    assertEquals("the token s3cret is wrong", secrets.scrub("the token s3cret is wrong"));
    assertEquals("sync@example.com", secrets.scrub("sync@example.com"));
    assertNull(secrets.scrub(null));
    assertEquals("x " + TOKEN, Secrets.NONE.scrub("x " + TOKEN));
  }
}
