package org.backbonesync.jdbc;

import java.util.Collections;
import java.util.List;

/** Values for an SQL {@code IN (?, ?, ...)} list, in parts of at most {@link #CHUNK} values. */
final class InLists {
  /**
   * Values per {@code IN} list. A poll page ({@code pollPageSize}, 100 by default) is then one
   * query, statements stay short and few in shape for the drivers' statement caches, and the
   * count stays far below every database's limit (Oracle takes 1,000 items in a list, SQL
   * Server 2,100 parameters in a statement).
   */
  static final int CHUNK = 100;

  private InLists() {
  }

  /** Work on one part of the values; {@code E} is the checked exception it may throw, if any. */
  @FunctionalInterface
  interface ChunkWork<T, E extends Exception> {
    void run(List<T> chunk) throws E;
  }

  /**
   * Runs {@code work} on each part of {@code values} in order, at most {@link #CHUNK} values
   * each (views of {@code values}), not at all when it is empty.
   */
  static <T, E extends Exception> void forEachChunk(List<T> values, ChunkWork<T, E> work)
      throws E {
    for (int from = 0; from < values.size(); from += CHUNK) {
      work.run(values.subList(from, Math.min(values.size(), from + CHUNK)));
    }
  }

  /**
   * The arguments of a statement whose last placeholders are an {@code IN} list: {@code first}
   * (the columns before the list, in order), then the list's values.
   */
  static Object[] args(List<?> values, Object... first) {
    Object[] args = new Object[first.length + values.size()];
    System.arraycopy(first, 0, args, 0, first.length);
    for (int i = 0; i < values.size(); i++) {
      args[first.length + i] = values.get(i);
    }
    return args;
  }

  /** {@code "?, ?, ?"}: one placeholder per value, for the inside of {@code IN (...)}. */
  static String placeholders(int count) {
    return String.join(", ", Collections.nCopies(count, "?"));
  }
}
