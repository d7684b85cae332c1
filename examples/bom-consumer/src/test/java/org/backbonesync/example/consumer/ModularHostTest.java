package org.backbonesync.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library jars, resolved through backbone-bom, run as named modules: the host is started in a
 * JVM of its own with everything on the module path and nothing on the class path.
 */
class ModularHostTest {

  @Test
  void aHostModuleSyncsAnIssueWithTheLibraryOnTheModulePath(@TempDir Path data) throws Exception {
    String modulePath = System.getProperty("moduleClasses") + File.pathSeparator
        + Files.readString(Path.of(System.getProperty("modulePathFile"))).trim();
    Path out = data.resolve("out.txt");
    Process host = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--module-path", modulePath,
        "--module", "org.backbonesync.example.consumer/"
            + "org.backbonesync.example.consumer.ModularHost",
        data.resolve("h2").toString())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertTrue(host.waitFor(2, TimeUnit.MINUTES), "the host did not finish");
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertEquals(0, host.exitValue(), String.join("\n", lines));

    assertTrue(lines.contains("module org.backbonesync.core exports [org.backbonesync.core]"),
        String.join("\n", lines));
    assertTrue(lines.contains("module org.backbonesync.jira exports [org.backbonesync.jira]"));
    assertTrue(lines.contains("module org.backbonesync.jdbc exports [org.backbonesync.jdbc]"));
    assertTrue(lines.contains(
        "module org.backbonesync.transport exports [org.backbonesync.transport]"));
    assertTrue(lines.contains("module org.backbonesync.testkit exports "
        + "[org.backbonesync.testkit, org.backbonesync.testkit.kit]"));
    assertEquals("PB-1 summary: Printer on fire", lines.get(lines.size() - 1));
  }
}
