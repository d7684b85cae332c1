package org.backbonesync.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.spi.tracker.FieldSchema;
import org.junit.jupiter.api.Test;

/** The fields an outgoing mapping reads, against the fields its project lists. */
class SourceFieldsTest {
  private static Map<String, FieldSchema> fields(FieldSchema... listed) {
    Map<String, FieldSchema> byId = new LinkedHashMap<>();
    for (FieldSchema f : listed) {
      byId.put(f.id(), f);
    }
    return byId;
  }

  private static final Map<String, FieldSchema> SITE = fields(
      FieldSchema.system("summary", "Summary", "string"),
      new FieldSchema("customfield_10016", "Story Points", "number", null, "float", null),
      new FieldSchema("customfield_10020", "Sprint", "array", "json", "gh-sprint", null),
      new FieldSchema("customfield_10021", "Flagged", "array", "option", "multicheckboxes",
          List.of("Impediment")));

  @Test
  void aTrackerThatListsNoFieldsIsNotCheckedAgainst() {
    assertNull(SourceFields.problem(Set.of("anything"), "PA", Map.of()));
  }

  @Test
  void listedFieldsAndJiraSystemFieldsTheListLeavesOutAreRead() {
    assertNull(SourceFields.problem(Set.of("summary", "customfield_10016", "updated",
        "created", "resolutiondate"), "PA", SITE));
  }

  /** A name in place of an id finds the field by its name. */
  @Test
  void eachMissingFieldIsNamedWithTheNearestFieldsByIdOrName() {
    assertEquals("reads \"Story points\" (nearest: customfield_10016 (Story Points),"
        + " customfield_10020 (Sprint), summary), \"customfield_10200\" (nearest:"
        + " customfield_10020 (Sprint), customfield_10016 (Story Points), customfield_10021"
        + " (Flagged)), which project PA has no field of (it has 4): every export would read JSON"
        + " null and clear the partner's field",
        SourceFields.problem(Set.of("customfield_10200", "Story points", "summary"), "PA", SITE));
  }
}
