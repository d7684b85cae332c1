package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an import answers, as a host that builds one for its own tests would meet it. */
class ImportResultTest {

  @Test
  void theUnmarkedIssuesAreACopyTheCallerCannotChange() {
    List<String> given = new ArrayList<>(List.of("PA-2"));
    ImportResult result = new ImportResult(3, given);
    given.add("PA-3");

    assertEquals(List.of("PA-2"), result.unmarked());
    assertThrows(UnsupportedOperationException.class, () -> result.unmarked().add("PA-1"));
  }

  @Test
  void impossibleCountsAreRefusedNamingThem() {
    assertEquals("imported must be from 0 and at least the 0 unmarked issues, was -1",
        assertThrows(IllegalArgumentException.class, () -> new ImportResult(-1, List.of()))
            .getMessage());
    assertEquals("imported must be from 0 and at least the 2 unmarked issues, was 1",
        assertThrows(IllegalArgumentException.class,
            () -> new ImportResult(1, List.of("PA-1", "PA-2"))).getMessage());
    assertEquals("unmarked", assertThrows(NullPointerException.class,
        () -> new ImportResult(1, null)).getMessage());
    assertThrows(NullPointerException.class,
        () -> new ImportResult(1, Arrays.asList((String) null)));
  }
}
