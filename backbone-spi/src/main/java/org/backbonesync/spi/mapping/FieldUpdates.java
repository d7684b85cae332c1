package org.backbonesync.spi.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The field values an incoming mapping writes; the engine collects those of all mappings of one
 * message and sends them to the tracker in one operation. Not thread-safe; used by one mapping
 * call at a time.
 */
public interface FieldUpdates {

  /**
   * Sets a field to a value in normalized form (JSON null clears it).
   *
   * @throws IllegalArgumentException when the field is not one of the mapping's target fields,
   *     or the value is Java null: a missing value (a lookup that found nothing, say) would
   *     otherwise clear the partner's field unnoticed; set {@code NullNode.getInstance()} to
   *     clear it
   */
  void set(String fieldId, JsonNode value);

  /**
   * Asks for the issue to be moved to a status through workflow transitions, after the field
   * updates: along {@code via} when given (transition names, taken in that order as they become
   * available), else by the shortest path of the tracker's workflow, else by a direct transition.
   *
   * @param transitionFields values for fields a transition's screen requires (e.g. resolution)
   */
  void transitionTo(String status, List<String> via, Map<String, JsonNode> transitionFields);

  /**
   * Asks for the issue to be linked to another local issue, after the field updates; a link that
   * exists already is left alone.
   *
   * @param type the link type's name
   * @param outward whether this issue is on the outward side ("blocks")
   * @param otherIssueKey the other issue, a key of this connector's project
   */
  void link(String type, boolean outward, String otherIssueKey);
}
