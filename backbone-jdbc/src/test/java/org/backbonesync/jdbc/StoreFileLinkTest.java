package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's file as a symbolic link. One to a file that is not there yet (a link made before
 * the first start, to put the store on a larger disk) made H2 answer "Database may be already in
 * use ... Possible solutions: close all other connection(s); use the server mode", which sent an
 * operator looking for another process (found by a trial of the service, helper h155: exit 5
 * with that text). It is refused, saying what it is; a link to an existing store opens it.
 */
class StoreFileLinkTest {
  @TempDir Path dir;

  @Test
  void aStoreFileLinkedToNothingIsRefusedSayingSo() throws Exception {
    Path store = Files.createDirectories(dir.resolve("store"));
    Path target = Files.createDirectories(dir.resolve("bigger-disk")).resolve("backbone.mv.db");
    Path file = Files.createSymbolicLink(store.resolve("backbone.mv.db"), target);

    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> JdbcStores.inDirectory(store).close());

    assertEquals("the store file " + file.toAbsolutePath() + " is a symbolic link to " + target
        + ", which does not exist (H2 would call the database in use): remove the link, or"
        + " link the store directory instead", e.getMessage());
    assertFalse(Files.exists(target), "nothing made");
  }

  @Test
  void aStoreFileMovedAndLinkedBackOpensWithItsData() throws Exception {
    Path store = dir.resolve("store");
    try (JdbcStores stores = JdbcStores.inDirectory(store)) {
      assertTrue(stores.leases().tryLease("poll", "PA", "node-1", 0, 1000));
    }
    Path moved = Files.createDirectories(dir.resolve("bigger-disk")).resolve("backbone.mv.db");
    Files.move(store.resolve("backbone.mv.db"), moved);
    Files.createSymbolicLink(store.resolve("backbone.mv.db"), moved);

    try (JdbcStores stores = JdbcStores.inDirectory(store)) {
      assertFalse(stores.leases().tryLease("poll", "PA", "node-2", 10, 1010), "node-1's lease");
    }
  }
}
