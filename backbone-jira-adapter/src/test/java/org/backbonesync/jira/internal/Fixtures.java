package org.backbonesync.jira.internal;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.backbonesync.jira.JiraFlavour;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * Real Jira responses captured by others (third-party data, kept outside this repository; CI
 * passes the folder where it keeps them), in the folder the system property {@value #PROPERTY}
 * names; there is no default location. Only tests marked {@link RealJiraCaptures} read them, and those run
 * only when the property is set.
 */
public final class Fixtures {
  /** The system property naming the captures folder, e.g. {@code -Dbackbone.jiraFixtures=/x}. */
  public static final String PROPERTY = "backbone.jiraFixtures";
  static final ObjectMapper JSON = new ObjectMapper();
  /** Jira's time format, parsed independently of the adapter's own parser. */
  private static final DateTimeFormatter JIRA_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");
  /** The folder, once checked. */
  private static Path checked;

  private Fixtures() {}

  /**
   * The captures folder the property names; fails the test, naming the path, when the property
   * is unset or blank or the folder is missing or empty: asked for, the captures must be there.
   */
  public static synchronized Path dir() {
    if (checked != null) {
      return checked;
    }
    String configured = System.getProperty(PROPERTY);
    if (configured == null || configured.isBlank()) {
      fail("-D" + PROPERTY + " names no folder (was " + (configured == null ? "unset"
          : "\"" + configured + "\"") + "): give the folder of the real Jira captures");
    }
    Path dir = Path.of(configured).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      fail("Jira captures not found: -D" + PROPERTY + "=" + configured + " is " + dir
          + (Path.of(configured).isAbsolute() ? ""
              : " (a relative path is read from the module's folder; give an absolute one)"));
    }
    try (Stream<Path> entries = Files.list(dir)) {
      if (entries.findAny().isEmpty()) {
        fail("Jira captures folder " + dir + " (-D" + PROPERTY + ") is empty");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(dir.toString(), e);
    }
    checked = dir;
    return dir;
  }

  /** A fixture file's path. */
  public static Path path(String relative) {
    Path p = dir().resolve(relative);
    if (!Files.isRegularFile(p)) {
      fail("missing fixture " + p);
    }
    return p;
  }

  /** A fixture parsed. */
  public static JsonNode json(String relative) {
    try {
      return JSON.readTree(path(relative).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(relative, e);
    }
  }

  /** A fixture's bytes. */
  public static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(relative, e);
    }
  }

  /** The .json files of a fixture folder, relative to the fixtures folder, sorted. */
  static List<String> list(String folder) {
    try (Stream<Path> files = Files.list(dir().resolve(folder))) {
      return files.filter(f -> f.toString().endsWith(".json"))
          .map(f -> dir().relativize(f).toString().replace('\\', '/')).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(folder, e);
    }
  }

  /** A Jira time parsed with the pattern Jira documents. */
  static long millis(String jiraTime) {
    return OffsetDateTime.parse(jiraTime, JIRA_TIME).toInstant().toEpochMilli();
  }

  /**
   * A wire for an issue fixture: its own {@code names} and {@code schema} when it was fetched
   * with them expanded, otherwise the field list of the site it came from.
   */
  static JiraWire wireFor(JsonNode issue, JiraFlavour flavour, String fieldsFixture) {
    List<FieldSchema> fields = new ArrayList<>();
    if (issue.path("schema").isObject() && issue.path("names").isObject()) {
      issue.path("schema").fields().forEachRemaining(e -> {
        com.fasterxml.jackson.databind.node.ObjectNode f = JSON.createObjectNode();
        f.put("id", e.getKey()).put("name", issue.path("names").path(e.getKey()).asText());
        f.set("schema", e.getValue());
        fields.add(JiraWire.fieldSchema(f));
      });
    } else {
      json(fieldsFixture).forEach(f -> fields.add(JiraWire.fieldSchema(f)));
    }
    return new JiraWire(flavour, fields);
  }
}
