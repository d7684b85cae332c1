package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which requests a browser sent from another site to change something, as a host meets them. */
class CrossOriginPolicyTest {
  private final CrossOriginPolicy policy = CrossOriginPolicy.sameOriginOnly();

  private static List<String> h(String... values) {
    return List.of(values);
  }

  private String refusal(String method, List<String> site, List<String> origin, String host) {
    return assertThrows(AdminException.class, () -> policy.check(method, site, origin, host),
        method + " " + site + " " + origin + " " + host).getMessage();
  }

  @Test
  void aBrowsersChangeFromAnotherSiteIsRefusedNamingTheHeader() {
    assertEquals("a cross-origin POST is refused: Sec-Fetch-Site \"cross-site\" (a browser sent it"
        + " from another site); an admin page served from another origin is named as a trusted"
        + " origin", refusal("POST", h("cross-site"), h("https://evil.example"), "admin.example"));
    assertEquals("a cross-origin DELETE is refused: Origin \"https://evil.example\" is not this"
        + " server's (Host \"admin.example\"); an admin page served from another origin is named"
        + " as a trusted origin", refusal("DELETE", h(), h("https://evil.example"), "admin.example"));
    refusal("POST", h("same-site"), h("https://sub.admin.example"), "admin.example");
    refusal("POST", h(), h("null"), "admin.example"); // a sandboxed frame
    refusal("POST", h(), h("https://admin.example", "https://evil.example"), "admin.example");
    refusal("POST", h("same-origin", "cross-site"), h(), "admin.example");
    refusal("POST", h(), h("https://admin.example.evil.example"), "admin.example");
    refusal("POST", h(), h("http://admin.example:8080"), "admin.example:8081");
    refusal("POST", h(), h("https://admin.example"), "admin.example:80");
    refusal("POST", h(), h("https://admin.example"), null);
    refusal("post", h("cross-site"), h(), "admin.example"); // methods are case-sensitive
    refusal("PUT", h("Same-Origin"), h(), "admin.example"); // browsers send it in lower case
  }

  @Test
  void readsScriptsAndTheSameOriginPass() {
    for (String safe : List.of("GET", "HEAD", "OPTIONS")) {
      assertDoesNotThrow(() -> policy.check(safe, h("cross-site"), h("https://evil.example"),
          "admin.example"));
    }
    assertDoesNotThrow(() -> policy.check("POST", h(), h(), "admin.example")); // curl
    assertDoesNotThrow(() -> policy.check("POST", null, null, null)); // Headers.get: none
    assertDoesNotThrow(() -> policy.check("POST", h("same-origin"), h("https://x"), "y"));
    assertDoesNotThrow(() -> policy.check("POST", h("none"), h(), "admin.example"));
    assertDoesNotThrow(() -> policy.check("DELETE", h(), h("https://Admin.Example:8443"),
        "admin.example:8443"));
    assertDoesNotThrow(() -> policy.check("POST", h(), h("http://[::1]:8080"), "[::1]:8080"));
    // (helper-107: a proxy that writes the default port into Host)
    assertDoesNotThrow(() -> policy.check("POST", h(), h("https://admin.example"),
        "admin.example:443"));
    assertDoesNotThrow(() -> policy.check("POST", h(), h("http://admin.example"),
        "admin.example:80"));
  }

  @Test
  void aTrustedOriginPassesWhateverTheBrowserSays() {
    CrossOriginPolicy trusting = CrossOriginPolicy.trusting(Set.of("https://UI.example:8443"));

    assertDoesNotThrow(() -> trusting.check("POST", h("cross-site"),
        h("https://ui.example:8443"), "admin.example"));
    assertThrows(AdminException.class, () -> trusting.check("POST", h("cross-site"),
        h("https://ui.example"), "admin.example"), "another port is another origin");
    // (helper-107: the browser leaves the default port out; the host's list wrote it)
    CrossOriginPolicy withDefaultPort = CrossOriginPolicy.trusting(Set.of("https://ui.example:443"));
    assertDoesNotThrow(() -> withDefaultPort.check("POST", h("cross-site"),
        h("https://ui.example"), "admin.example"));
  }
}
