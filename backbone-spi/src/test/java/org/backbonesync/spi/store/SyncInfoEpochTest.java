package org.backbonesync.spi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A row made anew has a greater epoch than before, whatever the clock says: the partner drops
 * messages of an older epoch than the one it knows and takes the same one as no row made again
 * (either left the pair apart for good).
 */
class SyncInfoEpochTest {
  private static final long NOW = 1_767_258_000_000L;

  private static SyncInfo row(long firstSyncDate, long madeAt) {
    return new SyncInfo(5, "PA", "PA-1", "PB-1", firstSyncDate, 0, 0, 3, 0, 2, true, 0, 0,
        madeAt, 0, false);
  }

  @Test
  void madeAnewAtALaterTimeTakesThatTime() {
    SyncInfo anew = row(NOW - 60_000, NOW - 1_000).madeAnew(NOW);
    assertEquals(NOW, anew.madeAt());
    assertEquals(4, anew.partnerSince(), "the partner counts from its next message");
  }

  @Test
  void madeAnewTwiceInOneMillisecondGrowsEachTime() {
    SyncInfo once = row(NOW - 60_000, 0).madeAnew(NOW);
    SyncInfo twice = once.madeAnew(NOW);
    assertTrue(twice.epoch() > once.epoch());
  }

  @Test
  void madeAnewOnANodeWhoseClockIsBehindStillGrows() {
    SyncInfo made = row(NOW - 60_000, NOW);
    assertTrue(made.madeAnew(NOW - 5_000).epoch() > made.epoch());
  }

  @Test
  void anImportedRowNotStoredYetIsMadeNowWhateverItsFirstSync() {
    SyncInfo imported = new SyncInfo(0, "PA", "PA-1", "PB-1", NOW + 3_600_000, 0, 0, 3, 0, 2,
        false);
    assertEquals(NOW, imported.madeAnew(NOW).madeAt(), "not an hour ahead");
  }

  @Test
  void aRowOfBeforeMadeAtWithItsFirstSyncAheadStillGrows() {
    SyncInfo old = row(NOW + 3_600_000, 0); // (an import may date it up to a day ahead)
    assertTrue(old.madeAnew(NOW).epoch() > old.epoch());
  }
}
