package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A long list of keys goes to the database in parts of 100, in order, each with its "?, ?". */
class InListsTest {

  @Test
  void twoHundredFiftyKeysGoInThreePartsInOrder() {
    List<Integer> keys = IntStream.range(0, 250).boxed().toList();
    List<List<Integer>> parts = new ArrayList<>();

    InLists.forEachChunk(keys, chunk -> parts.add(List.copyOf(chunk)));

    assertEquals(List.of(keys.subList(0, 100), keys.subList(100, 200), keys.subList(200, 250)),
        parts);
  }

  @Test
  void theColumnsBeforeTheListComeFirstInTheArguments() {
    assertEquals(List.of("inbox:PB", "node-1", "PA-1", "PA-2"),
        List.of(InLists.args(List.of("PA-1", "PA-2"), "inbox:PB", "node-1")));
    assertEquals(List.of("PA"), List.of(InLists.args(List.of(), "PA")));
  }

  @Test
  void onPostgresAnyCountIsOneStatementWithTheValuesInOneArray() {
    assertEquals("id IN (SELECT unnest(CAST(? AS int8[])))", InLists.in("id", "int8", 3, true));
    assertEquals(InLists.in("id", "int8", 3, true), InLists.in("id", "int8", 64, true));
    assertEquals("id IN (?, ?, ?)", InLists.in("id", "int8", 3, false));
    Object[] args = InLists.args(true, List.of(3L, 7L), "PA");
    assertEquals("PA", args[0]);
    assertArrayEquals(new Long[] {3L, 7L}, (Long[]) args[1]);
    assertArrayEquals(new String[] {"PA-1", "PA-2"},
        (String[]) InLists.args(true, List.of("PA-1", "PA-2"), "PA")[1]);
    assertEquals(List.of("PA", 3L, 7L), List.of(InLists.args(false, List.of(3L, 7L), "PA")));
  }

  @Test
  void noKeysMakeNoQueryAndAHundredMakeOne() {
    List<Integer> sizes = new ArrayList<>();

    InLists.forEachChunk(List.of(), chunk -> sizes.add(chunk.size()));
    InLists.forEachChunk(IntStream.range(0, 100).boxed().toList(),
        chunk -> sizes.add(chunk.size()));

    assertEquals(List.of(100), sizes);
  }

  @Test
  void aPartsSqlFailureEndsTheRest() {
    SQLException failure = new SQLException("gone");
    List<Integer> sizes = new ArrayList<>();

    SQLException thrown = assertThrows(SQLException.class, () -> InLists.forEachChunk(
        IntStream.range(0, 300).boxed().toList(), chunk -> {
          sizes.add(chunk.size());
          throw failure;
        }));

    assertSame(failure, thrown);
    assertEquals(List.of(100), sizes);
  }

  @Test
  void placeholdersAreOnePerValue() {
    assertEquals("?", InLists.placeholders(1));
    assertEquals("?, ?, ?", InLists.placeholders(3));
  }
}
