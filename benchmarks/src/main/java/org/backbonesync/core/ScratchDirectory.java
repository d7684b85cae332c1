package org.backbonesync.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A benchmark's temporary directory (H2 files), deleted with everything in it at its end. */
public final class ScratchDirectory {
  private ScratchDirectory() {}

  /** Deletes the directory and what it holds, deepest first. */
  public static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
