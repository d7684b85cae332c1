package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the command line prints of a text the operator or a file gave it is one line of printable
 * characters: an argument or a path with a terminal escape or a line break cannot repaint the
 * terminal or forge a line of a log that collects the service's output.
 */
class CommandLineTextTest {
  private static final String ESCAPE = "\u001b]0;owned\u0007\u001b[2J";
  @TempDir Path dir;

  /** Exit code, standard output and standard error of a run with these arguments. */
  private static String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = ServiceMain.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {String.valueOf(exit), out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8)};
  }

  private static void assertOnePrintableLine(String printed) {
    assertEquals(1, printed.lines().count(), printed);
    assertTrue(printed.codePoints().filter(c -> c != '\n')
        .noneMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u202e'), printed);
  }

  @Test
  void anUnknownArgumentIsShownWithoutItsControls() {
    String[] run = run("--config", "x.json", "--once" + ESCAPE + "\u0085forged line\u202e");

    assertEquals(String.valueOf(ServiceMain.USAGE), run[0]);
    assertOnePrintableLine(run[2]);
    assertTrue(run[2].startsWith("unknown argument --once?]0;owned??[2J?forged line?;"), run[2]);
  }

  /** Found by an outside tester: {@code --config a --config a} said "--config takes one file". */
  @Test
  void aConfigGivenTwiceIsToldSo() {
    String[] run = run("--config", "a.json", "--config", "b.json");

    assertEquals(String.valueOf(ServiceMain.USAGE), run[0]);
    assertTrue(run[2].startsWith("--config was given twice (a.json and b.json); give it once;"
        + " usage: "), run[2]);
    assertTrue(run("--config", "a.json", "--config")[2].startsWith("--config was given twice"
        + " (a.json and no file); give it once;"));
    assertTrue(run("--config")[2].startsWith("--config takes one file;"));
  }

  @Test
  void aConfigurationPathIsShownWithoutItsControls() {
    Path file = dir.resolve("sync" + ESCAPE + "\nforged line.json");

    String[] run = run("--config", file.toString(), "--check");

    assertEquals(String.valueOf(ServiceMain.CONFIGURATION), run[0], run[2]);
    assertOnePrintableLine(run[2]);
    assertTrue(run[2].contains("sync?]0;owned??[2J forged line.json: no such file"), run[2]);
    assertFalse(run[1].contains("\u001b"), run[1]);
  }
}
