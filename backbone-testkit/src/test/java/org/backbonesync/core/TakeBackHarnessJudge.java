package org.backbonesync.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Judges two files of {@link TakeBackHarnessTest} stories, a build before ({@code
 * takeback.before}) and after ({@code takeback.after}) a change, run on the same stories (one
 * file the other's replay): what each story lost, and the stories the later build lost something
 * in that the earlier kept. Not a check: it does nothing unless both are given, and writes what
 * it finds to standard out.
 *
 * <p>A story loses a label's last edit when the end does not show it on both issues (its
 * addition absent, its removal present), and loses when both differ. Judged twice: only the edits
 * after the story's last take-back (a person's change made after the take-back must stand), and
 * every label's last edit, plus the untouched labels kept. Each later loss is told apart when the
 * edit lost undid an edit of the same person with no poll of that side between (added and taken
 * away before the engine saw either, which it cannot tell from no edit).
 */
class TakeBackHarnessJudge {
  static final Pattern EDIT = Pattern.compile("([AB])([+-])(\\w+)");
  private static final Pattern LINE = Pattern.compile("(\\d+): (.*?)   \\[(.*)\\]");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A story as written: its number, outcome and steps ({@code PA:back}, {@code A+z}, ...). */
  record Story(int number, String result, List<String> steps) {}

  @Test
  void judge() throws IOException {
    String before = System.getProperty("takeback.before");
    String after = System.getProperty("takeback.after");
    if (before == null || after == null) {
      return;
    }
    Map<Integer, Story> was = read(Path.of(before));
    Map<Integer, Story> is = read(Path.of(after));
    for (boolean lastTakeBackOnly : new boolean[] {true, false}) {
      List<String> later = new ArrayList<>();
      List<Integer> unseen = new ArrayList<>();
      int improved = 0;
      for (Story s : was.values()) {
        Set<String> lostBefore = lost(s, lastTakeBackOnly);
        Set<String> lostAfter = lost(is.get(s.number()), lastTakeBackOnly);
        Set<String> more = new HashSet<>(lostAfter);
        more.removeAll(lostBefore);
        lostBefore.removeAll(lostAfter);
        improved += lostBefore.isEmpty() ? 0 : 1;
        if (!more.isEmpty() && unseenUndo(is.get(s.number()), more)) {
          unseen.add(s.number());
        } else if (!more.isEmpty()) {
          later.add(s.number() + " " + more + " " + is.get(s.number()));
        }
      }
      System.out.printf("%s: lost more after than before in %d stories (%d of them an unseen"
          + " undo: %s), less in %d%n", lastTakeBackOnly ? "edits after the last take-back"
          : "every label's last edit", later.size() + unseen.size(), unseen.size(), unseen,
          improved);
      later.forEach(l -> System.out.println("  " + l));
    }
  }

  /** The stories of a file, by number. */
  static Map<Integer, Story> read(Path file) throws IOException {
    Map<Integer, Story> stories = new TreeMap<>();
    for (String line : Files.readAllLines(file)) {
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        String log = m.group(3).replace(" takes back", ":back").replace(" ignores", ":ignores");
        int n = Integer.parseInt(m.group(1));
        stories.put(n, new Story(n, m.group(2), List.of(log.trim().split(" "))));
      }
    }
    return stories;
  }

  /** What a story lost: each label's last edit (after the last take-back, or any) not shown. */
  static Set<String> lost(Story s, boolean lastTakeBackOnly) throws IOException {
    Set<String> lost = new HashSet<>();
    if (s.result().startsWith("THREW")) {
      lost.add("threw");
      return lost;
    }
    String[] sides = s.result().replace(" DIFFER", "").split(" / ");
    Set<String> a = labels(sides[0]);
    Set<String> b = labels(sides[1]);
    int lastTakeBack = -1;
    Map<String, Integer> last = new LinkedHashMap<>();
    for (int i = 0; i < s.steps().size(); i++) {
      String step = s.steps().get(i);
      Matcher m = EDIT.matcher(step);
      if (step.endsWith(":back")) {
        lastTakeBack = i;
      } else if (m.matches()) {
        last.put(m.group(3), i);
      }
    }
    for (Map.Entry<String, Integer> e : last.entrySet()) {
      String step = s.steps().get(e.getValue());
      boolean added = step.charAt(1) == '+';
      boolean shown = added ? a.contains(e.getKey()) && b.contains(e.getKey())
          : !a.contains(e.getKey()) && !b.contains(e.getKey());
      if (!shown && (!lastTakeBackOnly || e.getValue() > lastTakeBack)) {
        lost.add("lost " + step);
      }
    }
    for (String untouched : List.of("base", "bob")) {
      if (!lastTakeBackOnly && !last.containsKey(untouched)
          && !(a.contains(untouched) && b.contains(untouched))) {
        lost.add("lost untouched " + untouched);
      }
    }
    if (!a.equals(b) || s.result().contains("DIFFER")) {
      lost.add("differ");
    }
    return lost;
  }

  /**
   * Whether each edit lost undid an edit of the same person of that label with no poll of that
   * side between (a poll, a settle, or that side's take-back, which sends its issue whole).
   */
  static boolean unseenUndo(Story s, Set<String> lost) {
    for (String what : lost) {
      Matcher m = EDIT.matcher(what.replace("lost ", ""));
      if (!m.matches()) {
        return false;
      }
      String side = m.group(1);
      List<Integer> bySide = new ArrayList<>(); // that person's edits of the label
      for (int i = 0; i < s.steps().size(); i++) {
        Matcher e = EDIT.matcher(s.steps().get(i));
        if (e.matches() && e.group(1).equals(side) && e.group(3).equals(m.group(3))) {
          bySide.add(i);
        }
      }
      if (bySide.size() < 2) {
        return false;
      }
      int undo = bySide.get(bySide.size() - 1);
      int undone = bySide.get(bySide.size() - 2);
      if (s.steps().get(undone).charAt(1) == s.steps().get(undo).charAt(1)) {
        return false;
      }
      for (String step : s.steps().subList(undone + 1, undo)) {
        if (step.equals("poll:P" + side) || step.equals("settle")
            || step.equals("P" + side + ":back")) {
          return false;
        }
      }
    }
    return true;
  }

  private static Set<String> labels(String json) throws IOException {
    Set<String> labels = new HashSet<>();
    JsonNode node = JSON.readTree(json);
    if (node != null && node.isArray()) {
      node.forEach(l -> labels.add(l.asText()));
    }
    return labels;
  }
}
