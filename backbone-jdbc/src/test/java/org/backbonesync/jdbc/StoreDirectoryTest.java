package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JdbcStores#inDirectory} makes its directory itself, and refuses one it cannot make in
 * one line before H2 is asked (found by running the service with its store under a regular
 * file: the right exit code, after about 47 lines of H2's stack traces).
 */
class StoreDirectoryTest {
  @TempDir Path dir;

  @Test
  void aMissingDirectoryIsMade() {
    Path nested = dir.resolve("a").resolve("b");

    try (JdbcStores stores = JdbcStores.inDirectory(nested)) {
      assertEquals(0, stores.syncInfo().list("PA").size());
    }
    assertTrue(Files.isDirectory(nested));
  }

  @Test
  void aDirectoryUnderAFileIsRefusedBeforeH2() throws Exception {
    Path file = Files.writeString(dir.resolve("config.json"), "{}");
    Path under = file.resolve("store");

    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> JdbcStores.inDirectory(under));

    assertTrue(e.getMessage().startsWith("cannot create the store directory " + under + " ("),
        e.getMessage());
    assertInstanceOf(FileSystemException.class, e.getCause());
    assertEquals("{}", Files.readString(file), "nothing written");
  }

  @Test
  void aDirectoryWithASemicolonIsRefusedBeforeH2RunsWhatFollowsIt() throws Exception {
    // helper-102: H2 ran the INIT statement, and a MODE=... landed the files outside the folder
    Path hostile = dir.resolve("data;INIT=CREATE TABLE PWNED(A INT)--");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JdbcStores.inDirectory(hostile));

    assertEquals("directory must not hold a \";\" (H2 would read what follows as settings of"
        + " its URL), was " + hostile.toAbsolutePath(), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> JdbcStores.h2Url(hostile));
    try (var left = Files.list(dir)) {
      assertEquals(0, left.count(), "nothing made");
    }
  }

  @Test
  void aDanglingSymbolicLinkIsNamedAsOne() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("store"), dir.resolve("gone"));

    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> JdbcStores.inDirectory(link));

    assertEquals("cannot create the store directory " + link + " (a symbolic link to "
        + dir.resolve("gone") + ", which does not exist)", e.getMessage());
  }

  @Test
  void aNullDirectoryIsNamed() {
    assertEquals("directory is required, was null", assertThrows(
        IllegalArgumentException.class, () -> JdbcStores.inDirectory(null)).getMessage());
  }
}
