package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.backbonesync.spi.store.StoreUnavailableException;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk under an H2 file: H2's first failure is its general error 50000 ("MVStoreException:
 * Writing to ... failed", an IOException "No space left on device" beneath, as a trial on a 3 MB
 * tmpfs showed), and only the calls after it meet "The database has been closed" (90098). The
 * first is the store unavailable too, so the engine's step ends there, and the connection is
 * dropped: once the disk has room the next call opens the file again.
 */
class FullDiskTest {
  @TempDir Path dir;

  @AfterEach
  void roomAgain() {
    FullDisk.full = false;
  }

  @Test
  void theFirstWriteThatMeetsAFullDiskIsTheStoreUnavailable() {
    FilePath.register(new FullDisk());
    JdbcStores stores = JdbcStores.atUrl("jdbc:h2:fulldisk:" + dir.resolve("backbone")
        + ";WRITE_DELAY=0", null,
        null);
    try {
      stores.watermarks().setWatermark("PA", 42);
      FullDisk.full = true;

      StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
          () -> stores.watermarks().setWatermark("PA", 43));
      assertTrue(e.getMessage().startsWith("commit failed: General error: \"org.h2.mvstore"
          + ".MVStoreException: Writing to "), e.getMessage());

      FullDisk.full = false;
      assertEquals(OptionalLong.of(42), stores.watermarks().watermark("PA"),
          "the file opened again, with what was committed");
      stores.watermarks().setWatermark("PA", 44);
      assertEquals(OptionalLong.of(44), stores.watermarks().watermark("PA"));
    } finally {
      stores.close();
    }
  }

  /** H2's files, refusing every write with the kernel's ENOSPC text while {@link #full}. */
  public static final class FullDisk extends FilePathWrapper {
    static volatile boolean full;

    public FullDisk() {}

    @Override
    public String getScheme() {
      return "fulldisk";
    }

    @Override
    public FileChannel open(String mode) throws IOException {
      return new Channel(getBase().open(mode));
    }
  }

  private static final class Channel extends FileBase {
    private final FileChannel base;

    Channel(FileChannel base) {
      this.base = base;
    }

    private static void roomLeft() throws IOException {
      if (FullDisk.full) {
        throw new IOException("No space left on device");
      }
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      roomLeft();
      return base.write(src, position);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      roomLeft();
      return base.write(src);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return base.read(dst, position);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return base.read(dst);
    }

    @Override
    public long position() throws IOException {
      return base.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      base.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return base.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      roomLeft();
      base.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      base.force(metaData);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return base.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      base.close();
    }
  }
}
