package org.backbonesync.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backbonesync.core.ConfigurationProblem;

/**
 * Puts a file's problems in the order of the places they name in the file, as a reader goes
 * through it: checks that look across the file (ids used twice, names that become paths) are
 * found last but shown where they are. A problem at a key the file lacks comes at the end of the
 * object that lacks it; problems at one place keep the order they were found in.
 */
final class FileOrder {
  /** One step of a path: {@code .name}, {@code [3]} or {@code ["odd name"]}. */
  private static final Pattern STEP =
      Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_-]*)|\\[(\\d{1,9})]|\\[(\"(?:[^\"\\\\]|\\\\.)*\")]");
  private static final ObjectMapper JSON = new ObjectMapper();

  private FileOrder() {}

  /** The problems in the order of their places in the file's tree {@code root}. */
  static List<ConfigurationProblem> sorted(JsonNode root, List<ConfigurationProblem> problems) {
    List<ConfigurationProblem> sorted = new ArrayList<>(problems);
    sorted.sort(Comparator.comparing(p -> position(root, p.path()), FileOrder::compare));
    return sorted;
  }

  /**
   * Where a path is in the tree: the index of each step in its object or array, down to the first
   * step the file has not, which counts as after that container's last member.
   */
  static List<Integer> position(JsonNode root, String path) {
    List<Integer> position = new ArrayList<>();
    JsonNode node = root;
    Matcher step = STEP.matcher(path);
    int at = path.startsWith("$") ? 1 : path.length();
    while (node != null && at < path.length() && step.find(at) && step.start() == at) {
      at = step.end();
      int index = step.group(2) == null ? -1 : Integer.parseInt(step.group(2));
      JsonNode next = step.group(2) != null ? (node.isArray() ? node.get(index) : null)
          : member(node, step.group(1) != null ? step.group(1) : unquoted(step.group(3)));
      if (next != null && node.isObject()) {
        index = indexOf(node, next);
      }
      position.add(next != null ? index : node.size());
      node = next;
    }
    return position;
  }

  /** An object's member, or null; a name cut short ({@code …}) is the first it starts. */
  private static JsonNode member(JsonNode object, String name) {
    if (name == null || !object.isObject()) {
      return null;
    }
    if (!name.endsWith("…")) {
      return object.get(name);
    }
    String start = name.substring(0, name.length() - 1);
    Iterator<String> names = object.fieldNames();
    while (names.hasNext()) {
      String each = names.next();
      if (each.startsWith(start)) {
        return object.get(each);
      }
    }
    return null;
  }

  /** The index of a member in its object. */
  private static int indexOf(JsonNode object, JsonNode member) {
    Iterator<JsonNode> members = object.elements();
    for (int i = 0; members.hasNext(); i++) {
      if (members.next() == member) {
        return i;
      }
    }
    return -1;
  }

  private static String unquoted(String quoted) {
    try {
      return JSON.readValue(quoted, String.class);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** Positions in tree order: a place before what is inside it. */
  private static int compare(List<Integer> x, List<Integer> y) {
    for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
      int c = Integer.compare(x.get(i), y.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.size(), y.size());
  }
}
