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
 * The real Jira responses of {@code ../shared/jira-fixtures} (see its README): found beside the
 * repository, or where the system property {@code backbone.jiraFixtures} points.
 */
public final class Fixtures {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Jira's time format, parsed independently of the adapter's own parser. */
  private static final DateTimeFormatter JIRA_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

  private Fixtures() {}

  /** The fixtures folder; fails the test, naming where it looked, when it is missing. */
  public static Path dir() {
    String configured = System.getProperty("backbone.jiraFixtures");
    Path dir = configured != null ? Path.of(configured)
        : Path.of("").toAbsolutePath().getParent().getParent().resolve("shared/jira-fixtures");
    if (!Files.isDirectory(dir)) {
      fail("Jira fixtures not found at " + dir + ": check out ../shared beside the repository"
          + " or pass -Dbackbone.jiraFixtures=<folder>");
    }
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
