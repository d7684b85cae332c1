package org.backbonesync.jdbc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
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

  /**
   * {@code column IN (?, ?, ...)} with a placeholder per value, or on PostgreSQL ({@code array})
   * {@code column IN (SELECT unnest(CAST(? AS type[])))}, the values bound as one array ({@link
   * #args(boolean, List, Object...)}). On PostgreSQL each count of an {@code IN} list was a
   * statement of its own, and PostgreSQL planned it again at nearly every execution (it kept
   * choosing custom plans over the generic one): planning was 15 to 35 microseconds of a change,
   * a tenth to a fifth of the time PostgreSQL spent in statements ({@code TwoNodeBenchmark},
   * {@code pg_stat_statements}). An array is one statement whatever the count, which PostgreSQL
   * plans once per connection, generically, until the table's statistics change. Not {@code =
   * ANY (?)}: its generic plan for a small table was a sequential scan that compared every row
   * with each value of the array in turn (a constant list is hashed, a bound array not), slower
   * than the custom plans it saved; the {@code unnest} is joined (hashed, or probed through an
   * index). For the sync information rows and the tables hanging on them only, which grow with
   * the pairs: a generic plan made while a queue (the inbox, the leases) was nearly empty would
   * be kept while it fills, where a custom plan sees the table's size at every execution.
   * {@code type} is the column's SQL type, the array's elements'.
   */
  static String in(String column, String type, int count, boolean array) {
    return array ? column + " IN (SELECT unnest(CAST(? AS " + type + "[])))"
        : column + " IN (" + placeholders(count) + ")";
  }

  /**
   * The arguments of a statement whose last placeholders are {@link #in(String, String, int,
   * boolean)}'s: {@code first}, then the values, or on PostgreSQL ({@code array}) the values as
   * one array, {@code String[]} or {@code Long[]} as the first value is (the statement casts it
   * to its column's type).
   */
  static Object[] args(boolean array, List<?> values, Object... first) {
    if (!array) {
      return args(values, first);
    }
    Object[] args = Arrays.copyOf(first, first.length + 1);
    args[first.length] = values.isEmpty() || values.get(0) instanceof String
        ? values.toArray(new String[0]) : values.toArray(new Long[0]);
    return args;
  }

  /**
   * The values as a list to take in parts: the collection itself when it is a list (most
   * callers': a page's issues, a round's rows), else a copy. A value given twice is asked for
   * twice, which finds the same rows: every caller here keys what it found, so the answer is the
   * same as without the repeat, and a copy into a {@code LinkedHashSet} and out again to drop
   * repeats, which none of the engine's calls has, was about a fiftieth of what a change
   * allocated ({@code TwoNodeBenchmark}, JFR).
   */
  static <T> List<T> list(Collection<T> values) {
    return values instanceof List<T> list ? list : new ArrayList<>(values);
  }

  /** The values in ascending order, each once (an array sorted, not a {@code TreeSet}). */
  static List<Long> sortedDistinct(Collection<Long> values) {
    Long[] sorted = values.toArray(new Long[0]);
    Arrays.sort(sorted);
    int n = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (n == 0 || !sorted[i].equals(sorted[n - 1])) {
        sorted[n++] = sorted[i];
      }
    }
    return Arrays.asList(sorted).subList(0, n);
  }

  /**
   * {@code "?, ?, ?"}: one placeholder per value, for the inside of {@code IN (...)}. Made once
   * for each count up to {@link #CHUNK}: joining them for each query was about a hundredth of
   * what a change allocated ({@code TwoNodeBenchmark}, JFR).
   */
  static String placeholders(int count) {
    return count <= CHUNK ? PLACEHOLDERS[count] : join(count);
  }

  private static final String[] PLACEHOLDERS = new String[CHUNK + 1];

  static {
    for (int i = 0; i <= CHUNK; i++) {
      PLACEHOLDERS[i] = join(i);
    }
  }

  private static String join(int count) {
    return String.join(", ", Collections.nCopies(count, "?"));
  }
}
