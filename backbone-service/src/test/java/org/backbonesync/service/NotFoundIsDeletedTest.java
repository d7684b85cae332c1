package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.backbonesync.examples.FakeJiraSites;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Cloud site's 404 is a deletion only where the file says so: a site's {@code
 * notFoundIsDeleted} reaches the adapter ({@code JiraSite.Builder.notFoundIsDeleted}), so the
 * partner whose {@code onPartnerGone} is delete deletes its copy; without it, the copy is marked.
 */
class NotFoundIsDeletedTest {
  @TempDir
  Path dir;

  /**
   * PA-1 on the Cloud site is copied to PB-1, then deleted; bob's comment on PB-1 sends a message
   * whose apply finds PA-1 gone (404), and PB's {@code onPartnerGone} is delete.
   */
  private String partnerAfterDeletion(boolean notFoundIsDeleted) throws Exception {
    try (FakeJiraSites sites = FakeJiraSites.start()) {
      Path file = dir.resolve("sync-" + notFoundIsDeleted + ".json");
      Files.writeString(file, sites.configuration(dir.resolve("data-" + notFoundIsDeleted), 0)
          .replace("\"flavour\": \"cloud\",", notFoundIsDeleted
              ? "\"flavour\": \"cloud\", \"notFoundIsDeleted\": true," : "\"flavour\": \"cloud\",")
          .replace("\"syncUser\": \"sync-b\"",
              "\"syncUser\": \"sync-b\", \"onPartnerGone\": {\"action\": \"delete\"}"));
      String key = sites.projectA().create("Printer on fire");
      run(sites, file);
      assertTrue(sites.projectB().issue("PB-1").isPresent(), "PB-1 was not made");

      sites.projectA().delete(key);
      sites.projectB().addComment("PB-1", "Still smoking?");
      run(sites, file);

      return sites.projectB().issue("PB-1").map(i -> "labels " + i.field("labels"))
          .orElse("deleted");
    }
  }

  private static void run(FakeJiraSites sites, Path file) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ServiceMain.run(new String[] {"--config", file.toString(), "--once"},
        sites.environment(), new PrintStream(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aCloudSiteWithNotFoundIsDeletedHasItsPartnersCopyDeleted() throws Exception {
    assertEquals("deleted", partnerAfterDeletion(true));
  }

  @Test
  void aCloudSiteWithoutItHasThePartnersCopyMarkedOnly() throws Exception {
    assertEquals("labels [\"sync-partner-gone\"]", partnerAfterDeletion(false));
  }
}
