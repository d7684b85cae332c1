package org.backbonesync.jdbc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time PostgreSQL's processes have used, from Linux's {@code /proc}, when the server runs
 * on this machine (as {@code .ci/postgres.sh} starts it): every process named {@code postgres},
 * its backends, writers and autovacuum included. Clock ticks of 10 ms, so a figure needs a few
 * seconds of work.
 */
final class PostgresCpu {
  /** Linux's {@code USER_HZ}, the unit of {@code /proc/<pid>/stat}'s times, on every platform. */
  private static final long MICROS_PER_TICK = 10_000;

  private PostgresCpu() {
  }

  /** Microseconds of user and system time of the local PostgreSQL processes; -1 if none seen. */
  static long micros() {
    Path proc = Path.of("/proc");
    if (!Files.isDirectory(proc)) {
      return -1;
    }
    long ticks = 0;
    boolean seen = false;
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path pid : pids) {
        try {
          if (!Files.readString(pid.resolve("comm")).trim().equals("postgres")) {
            continue;
          }
          String stat = Files.readString(pid.resolve("stat"));
          // fields after the command's closing parenthesis: utime and stime are the 12th, 13th
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          seen = true;
        } catch (IOException | RuntimeException gone) {
          // (a process that ended meanwhile)
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return seen ? ticks * MICROS_PER_TICK : -1;
  }
}
