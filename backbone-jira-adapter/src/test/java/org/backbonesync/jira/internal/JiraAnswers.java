package org.backbonesync.jira.internal;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.backbonesync.jira.JiraFlavour;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * The project's own Jira answers: response bodies written for these tests in the shapes Jira
 * Server (REST v2) and Jira Cloud (REST v3 and v2) send, with invented sites, projects, users and
 * texts. They live in {@code src/test/resources/jira-answers} (its README says which request
 * each answers and what quirk it shows) and are read from the class path, so the tests that use
 * them need nothing outside the repository.
 */
public final class JiraAnswers {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROOT = "/jira-answers/";

  private JiraAnswers() {}

  /** An answer's bytes, e.g. {@code bytes("server/issue.json")}; fails naming a missing one. */
  public static byte[] bytes(String name) {
    try (InputStream in = JiraAnswers.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        fail("no Jira answer " + ROOT + name + " on the test class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(name, e);
    }
  }

  /** An answer parsed. */
  public static JsonNode json(String name) {
    try {
      return JSON.readTree(bytes(name));
    } catch (IOException e) {
      throw new UncheckedIOException(name, e);
    }
  }

  /** The folder of a flavour's answers: {@code cloud} or {@code server}. */
  static String folder(JiraFlavour flavour) {
    return flavour == JiraFlavour.CLOUD ? "cloud" : "server";
  }

  /** The fields of a flavour's site ({@code GET /field}), as schemas. */
  static List<FieldSchema> fields(JiraFlavour flavour) {
    List<FieldSchema> out = new ArrayList<>();
    json(folder(flavour) + "/fields.json").forEach(f -> out.add(JiraWire.fieldSchema(f)));
    return out;
  }

  /** A wire reading a flavour's answers with that site's fields, as the adapter builds it. */
  static JiraWire wire(JiraFlavour flavour) {
    return new JiraWire(flavour, fields(flavour));
  }

  /** Epoch millis of an instant written as people read it, e.g. {@code 2025-03-28T16:02:11.904Z}. */
  public static long at(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }
}
