package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * The rich-text documents that go beside text values ({@link TrackedIssue#documents()}, Jira
 * Cloud's ADF): which value of a message gets which document. The engine never reads a document;
 * it carries it, with its mentions translated ({@link Mentions}), and the receiving tracker
 * writes it only where the text it gets is still the document's.
 */
final class Documents {
  /**
   * The deepest JSON nesting of a document sent: with the envelope around it (about 7 levels) a
   * message stays within the transports' default {@code maxNesting} of 64, which a partner
   * refuses a whole envelope over.
   */
  static final int MAX_NESTING = 48;
  /**
   * The most characters of JSON a document sent may take, about (Jira's text fields hold at
   * most 32,767 characters, whose documents take far less): a message stays well within the
   * transports' envelope size (8 MiB by default), which would park it.
   */
  static final int MAX_CHARS = 1 << 20;

  private Documents() {}

  /**
   * Whether a document may go in a message: at most {@link #MAX_NESTING} deep and about {@link
   * #MAX_CHARS} characters of JSON. Without recursion, and it stops at the first limit passed.
   */
  static boolean fits(JsonNode document) {
    Deque<JsonNode> todo = new ArrayDeque<>();
    Deque<Integer> depths = new ArrayDeque<>();
    todo.push(document);
    depths.push(1);
    long chars = 0;
    while (!todo.isEmpty()) {
      JsonNode node = todo.pop();
      int depth = depths.pop();
      if (node.isContainerNode() && depth > MAX_NESTING) {
        return false;
      }
      chars += node.isTextual() ? node.asText().length() + 3 : 8;
      if (chars > MAX_CHARS) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        chars += e.getKey().length() + 3;
        todo.push(e.getValue());
        depths.push(depth + 1);
      }
      if (node.isArray()) {
        for (JsonNode item : node) {
          todo.push(item);
          depths.push(depth + 1);
        }
      }
    }
    return true;
  }

  /**
   * The values of a message with their documents: a text value of a mapping that reads one
   * field gets that field's document from the issue the values were read from, its mentions in
   * the form the text's have. A mapping that changed the text sends a document the receiver
   * finds to disagree, and writes the text; no document is sent where the text does not mention
   * whom the document does.
   */
  static Map<String, FieldValue> attach(Connector connector, TrackedIssue issue,
      Map<String, FieldValue> fields) {
    if (issue == null || issue.documents().isEmpty()) {
      return fields;
    }
    Map<String, FieldValue> out = null;
    for (Connector.Outgoing o : connector.outgoing) {
      FieldValue v = fields.get(o.id());
      if (v == null || !v.value().isTextual() || v.document() != null
          || o.mapping().sourceFields().size() != 1) {
        continue;
      }
      JsonNode document = issue.documents().get(o.mapping().sourceFields().iterator().next());
      JsonNode exported = connector.mentions.exportDocument(document, v.value().asText());
      if (exported != null) {
        out = out != null ? out : new LinkedHashMap<>(fields);
        out.put(o.id(), v.withDocument(exported));
      }
    }
    return out != null ? out : fields;
  }

  /** What is done with each mention node of a document, found in its parent's content. */
  interface MentionVisitor {
    void visit(ArrayNode parent, int index, JsonNode mention);
  }

  /**
   * Visits each mention node ({@code "type": "mention"} with a text {@code attrs.id}) of a
   * document, without recursion (a document may be deep).
   */
  static void eachMention(JsonNode document, MentionVisitor visitor) {
    Deque<JsonNode> todo = new ArrayDeque<>();
    todo.push(document);
    while (!todo.isEmpty()) {
      JsonNode node = todo.pop();
      JsonNode content = node.path("content");
      if (!content.isArray()) {
        continue;
      }
      ArrayNode children = (ArrayNode) content;
      for (int i = 0; i < children.size(); i++) {
        JsonNode child = children.get(i);
        if (!child.isObject()) {
          continue;
        }
        if ("mention".equals(child.path("type").asText())
            && child.path("attrs").path("id").isTextual()) {
          visitor.visit(children, i, child);
        } else {
          todo.push(child);
        }
      }
    }
  }
}
