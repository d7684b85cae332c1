package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.backbonesync.spi.RetriableException;
import org.junit.jupiter.api.Test;

/**
 * What the service prints when a site cannot be signed in to. Found by a trial: the JDK's
 * refusal of a header with a line break ({@code invalid header value: "Bearer f37d..."}) was
 * passed on, token and all, to standard error.
 */
class SitesTest {
  private static final ServiceConfig.Site SITE = new ServiceConfig.Site("server",
      "$.sites.server", URI.create("http://127.0.0.1:40301"), null, null, 10, null, null, true,
      null, false, false);

  @Test
  void theTextOfAnExceptionNotOfThisLibraryIsNotShown() {
    String line = Sites.describe(SITE, new IllegalArgumentException(
        "invalid header value: \"Bearer f37d-SECRET\r\n\""));

    assertEquals("site server (http://127.0.0.1:40301) cannot be reached:"
        + " IllegalArgumentException (its text is not shown: it may quote a request header)",
        line);
  }

  @Test
  void theAdaptersOwnTextIsShown() {
    String line = Sites.describe(SITE, new RetriableException(
        "GET /rest/api/2/myself failed on http://127.0.0.1:40301 (ConnectException)",
        new java.net.ConnectException("Connection refused"))); // (the adapter gives its cause)

    assertEquals("site server (http://127.0.0.1:40301) cannot be reached: GET /rest/api/2/myself"
        + " failed on http://127.0.0.1:40301 (ConnectException)", line);
  }
}
