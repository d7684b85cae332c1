package org.backbonesync.jira.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class JiraTimeTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static long at(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  void offsetsWithAndWithoutAColonAndWithoutFractions() {
    long expected = at("2012-04-12T12:28:44.079Z");
    assertEquals(expected, JiraTime.parse("2012-04-12T14:28:44.079+0200"));
    assertEquals(expected, JiraTime.parse("2012-04-12T14:28:44.079+02:00"));
    assertEquals(expected, JiraTime.parse("2012-04-12T12:28:44.079Z"));
    assertEquals(at("2012-04-12T12:28:44Z"), JiraTime.parse("2012-04-12T14:28:44+0200"));
    assertEquals(at("2012-04-12T19:58:44.079Z"), JiraTime.parse("2012-04-12T14:28:44.079-0530"));
  }

  @Test
  void aValueThatIsNotATimeIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JiraTime.parse("12/Apr/12 2:26 PM"));
    assertEquals("not a Jira timestamp: \"12/Apr/12 2:26 PM\"", e.getMessage());
  }

  @Test
  void aLongValueWithLineBreaksIsNamedEscapedAndCut() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JiraTime.parse("x\r\nERROR " + "A".repeat(100_000)));
    assertEquals("not a Jira timestamp: \"x\\r\\nERROR " + "A".repeat(71) + "…\""
        + " (100009 characters)", e.getMessage());
  }

  @Test
  void aYearPastWhatMillisecondsHoldIsNamedNotAnOverflow() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JiraTime.parse("+999999999-12-31T23:59:59.000+0000"));
    assertEquals("not a Jira timestamp: \"+999999999-12-31T23:59:59.000+0000\" is past the range"
        + " of epoch milliseconds", e.getMessage());
  }

  @Test
  void formatsAsJiraWrites() {
    assertEquals("2026-11-23T09:41:05.123+0100",
        JiraTime.format(at("2026-11-23T08:41:05.123Z"), BERLIN));
  }

  @Test
  void jqlReadsAWholeMinuteInTheUsersZone() {
    long t = at("2026-11-23T08:41:59.999Z");
    assertEquals("2026-11-23 09:41", JiraTime.jqlMinute(t, BERLIN));
    assertEquals("2026-11-23 02:41", JiraTime.jqlMinute(t, ZoneId.of("America/Chicago")));
    long start = JiraTime.parseJqlMinute(JiraTime.jqlMinute(t, BERLIN), BERLIN);
    assertEquals(at("2026-11-23T08:41:00Z"), start, "the search starts at or before the time");
  }

  @Test
  void inTheHourTheClockTurnsBackTheSearchNeverStartsLate() {
    // 2026-10-25 02:30 happens twice in Berlin: at 00:30Z (+02:00) and at 01:30Z (+01:00)
    for (String instant : new String[] {"2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"}) {
      long t = at(instant);
      String jql = JiraTime.jqlMinute(t, BERLIN);
      java.time.LocalDateTime local = java.time.LocalDateTime.parse(jql.replace(' ', 'T'));
      for (java.time.ZoneOffset offset : BERLIN.getRules().getValidOffsets(local)) {
        assertTrue(local.toInstant(offset).toEpochMilli() <= t,
            instant + " as \"" + jql + "\" read at " + offset + " starts too late");
      }
    }
  }

  @Test
  void aSkewedOrFutureSecondDoesNotMatterBelowAMinute() {
    long t = at("2026-11-23T08:41:00.000Z");
    assertEquals(JiraTime.jqlMinute(t, BERLIN), JiraTime.jqlMinute(t + 59_999, BERLIN));
  }
}
