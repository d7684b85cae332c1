package org.backbonesync.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU time PostgreSQL's processes used between two snapshots, from Linux's {@code /proc},
 * when the server runs on this machine (as {@code .ci/postgres.sh} starts it): every process
 * named {@code postgres}, its backends, writers and autovacuum workers included. A process is
 * told apart by its id and start time; one that ended before the second snapshot is not counted
 * (an autovacuum worker may), one that started after the first counts whole. Clock ticks of 10 ms
 * ({@code USER_HZ} on x86 and arm64), so a figure needs a few seconds of work. Counts every local
 * PostgreSQL server, not only the one the benchmark's URL names.
 */
final class PostgresCpu {
  private static final long MICROS_PER_TICK = 10_000;

  private PostgresCpu() {
  }

  /**
   * Ticks of user and system time by process (id and start time); empty when {@code /proc} shows
   * no PostgreSQL process (another machine's server, another system, a hidden {@code /proc}).
   */
  static Map<String, Long> snapshot() {
    Map<String, Long> ticks = new HashMap<>();
    Path proc = Path.of("/proc");
    if (!Files.isDirectory(proc)) {
      return ticks;
    }
    byte[] buffer = new byte[4096];
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path pid : pids) {
        try {
          String stat = read(pid.resolve("stat"), buffer);
          // "pid (comm) state ...": after the command's closing parenthesis, utime, stime and
          // starttime are the 12th, 13th and 20th fields
          int space = stat.indexOf(' ');
          int close = stat.lastIndexOf(')');
          if (!stat.startsWith(" (postgres)", space) || close != space + 10) {
            continue;
          }
          String[] fields = stat.substring(close + 2).split(" ");
          ticks.put(pid.getFileName() + "@" + fields[19],
              Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        } catch (IOException | RuntimeException gone) {
          // (a process that ended meanwhile)
        }
      }
    } catch (IOException e) {
      ticks.clear();
    }
    return ticks;
  }

  /**
   * A small {@code /proc} file's text, read into a buffer used again for every process: a
   * snapshot runs in the measured iterations, and {@code Files.readString} allocated buffers of
   * 8 KB and more for each of the machine's processes, which the GC profiler counted as the
   * benchmark's allocation (about 1 KB per change, JFR).
   */
  private static String read(Path file, byte[] buffer) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      int length = 0;
      for (int n; length < buffer.length
          && (n = in.read(buffer, length, buffer.length - length)) > 0; ) {
        length += n;
      }
      return new String(buffer, 0, length, StandardCharsets.US_ASCII);
    }
  }

  /** Microseconds of CPU used from {@code before} to {@code after}; -1 if either saw none. */
  static long microsBetween(Map<String, Long> before, Map<String, Long> after) {
    if (before.isEmpty() || after.isEmpty()) {
      return -1;
    }
    long ticks = 0;
    for (Map.Entry<String, Long> process : after.entrySet()) {
      ticks += Math.max(0, process.getValue() - before.getOrDefault(process.getKey(), 0L));
    }
    return ticks * MICROS_PER_TICK;
  }
}
