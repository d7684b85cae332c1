package org.backbonesync.jdbc;

import java.util.Arrays;

/**
 * The keys a transaction's waiting batches write ({@link TransactionWrites}): a set that is only
 * added to and cleared, kept as one open-addressing table of the keys themselves. A {@code
 * HashSet} made a node per key, and a key is added for every write a change makes (about a
 * fiftieth of what a change allocated, {@code TwoNodeBenchmark}, JFR). Not thread-safe, as the
 * transaction is not.
 */
final class WrittenKeys {
  private TransactionWrites.Key[] table = new TransactionWrites.Key[16];
  private int size;

  /** Adds the key; false when it is here already. */
  boolean add(TransactionWrites.Key key) {
    if (2 * (size + 1) > table.length) {
      grow();
    }
    int mask = table.length - 1;
    for (int i = slot(key, mask); ; i = (i + 1) & mask) {
      TransactionWrites.Key here = table[i];
      if (here == null) {
        table[i] = key;
        size++;
        return true;
      }
      if (here.equals(key)) {
        return false;
      }
    }
  }

  /** Forgets every key, keeping the table for the next batches. */
  void clear() {
    if (size > 0) {
      Arrays.fill(table, null);
      size = 0;
    }
  }

  int size() {
    return size;
  }

  private static int slot(TransactionWrites.Key key, int mask) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & mask;
  }

  private void grow() {
    TransactionWrites.Key[] old = table;
    table = new TransactionWrites.Key[old.length * 2];
    int mask = table.length - 1;
    for (TransactionWrites.Key key : old) {
      if (key != null) {
        int i = slot(key, mask);
        while (table[i] != null) {
          i = (i + 1) & mask;
        }
        table[i] = key;
      }
    }
  }
}
