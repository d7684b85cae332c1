package org.backbonesync.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo tells the story the README promises. */
class DemoTest {
  @Test
  void theDemoShowsTheCreateTheEditComingBackAndBothSyncInformationTables() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    for (String line : new String[] {
        "PA: change of PA-1 queued with sequence id 1",
        "PA: sent PA-1 #1 to PB's inbox (one engine: no transport to acknowledge)",
        "PB: applied PA-1 #1 by creating PB-1",
        "PB: change of PB-1 queued with sequence id 2, fields [map-summary]",
        "PA: applied PB-1 #2 to PA-1",
        "PA-1 summary is now \"Printer on fire, third floor\"",
        "\"remoteIssueKey\" : \"PB-1\"",
        "\"remoteIssueKey\" : \"PA-1\""}) {
      assertTrue(out.contains(line), () -> "missing \"" + line + "\" in:\n" + out);
    }
  }
}
