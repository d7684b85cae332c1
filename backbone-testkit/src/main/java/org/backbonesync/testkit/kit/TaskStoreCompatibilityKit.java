package org.backbonesync.testkit.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.TaskStore;
import org.junit.jupiter.api.Test;

/** What every {@link TaskStore} must do. Extend it and implement {@link #newStores()}. */
public abstract class TaskStoreCompatibilityKit extends StoresKit<TaskStore> {

  @Override
  final TaskStore storeOf(Stores fresh) {
    return fresh.tasks();
  }

  private static AsyncTask task(String connector) {
    return new AsyncTask("ignored", connector, "admin", 1000, false, false, false, 0, "Starting",
        0, null, null, JsonNodeFactory.instance.objectNode().put("jql", "component = A"));
  }

  @Test
  void anInsertedTaskGetsAFreshIdAndIsFoundAgainWithEveryField() {
    AsyncTask one = store.insert(task("PA"));
    AsyncTask two = store.insert(task("PB"));

    assertNotEquals(one.id(), two.id());
    assertEquals(Optional.of(one), store.find(one.id()));
    assertEquals("component = A", store.find(two.id()).orElseThrow().request().path("jql").asText());
    assertEquals(Optional.empty(), store.find("no-such-task"));
  }

  /**
   * The admin API takes a task id only as a whole number from 1 to {@link Long#MAX_VALUE}
   * without leading zeros (anything else is a 400 before a store is asked), so a store must
   * give such ids, and find nothing, never throw, for any other text.
   */
  @Test
  void idsAreWholeNumbersAndOddIdsFindNothing() {
    AsyncTask one = store.insert(task("PA"));

    assertTrue(one.id().matches("[1-9][0-9]{0,18}"), one.id());
    Long.parseLong(one.id()); // (fits in a long)
    for (String odd : List.of("", "-1", "0", "0" + one.id(), "+" + one.id(), "9".repeat(10_000),
        "9223372036854775808", "../" + one.id(), one.id() + "|", one.id() + ".", "x")) {
      assertEquals(Optional.empty(), store.find(odd), odd.length() > 40 ? "10,000 nines" : odd);
    }
  }

  @Test
  void updatesAreKeptAndFinishedTasksLeaveTheUnfinishedList() {
    AsyncTask one = store.insert(task("PA"));
    AsyncTask two = store.insert(task("PA"));

    store.update(one.withProgress(40, "4 of 10 issues"));
    store.update(two.withEnd(2000, false,
        JsonNodeFactory.instance.objectNode().put("issues", 3), null, "Done"));

    assertEquals(40, store.find(one.id()).orElseThrow().progress());
    AsyncTask done = store.find(two.id()).orElseThrow();
    assertTrue(done.finished());
    assertEquals(100, done.progress());
    assertEquals(3, done.result().path("issues").asInt());
    assertEquals(List.of(one.id()), store.unfinished().stream().map(AsyncTask::id).toList());
    assertThrows(IllegalArgumentException.class,
        () -> store.update(task("PA").withProgress(1, "x")));
  }

  /** A resync's page, written from a copy read before an admin's cancel, keeps the cancel. */
  @Test
  void aCancelIsNotClearedByAnUpdateFromAnOlderCopy() {
    AsyncTask read = store.insert(task("PA"));
    store.update(read.withCancelRequested());

    store.update(read.withProgress(40, "4 of 10 issues"));

    AsyncTask now = store.find(read.id()).orElseThrow();
    assertTrue(now.cancelled());
    assertEquals(40, now.progress());
  }

  /** A resync keeps where to resume in its request, written with its progress. */
  @Test
  void anUpdatedRequestIsKept() {
    AsyncTask one = store.insert(task("PA"));
    ObjectNode request = ((ObjectNode) one.request()).deepCopy();
    request.putObject("resume").put("token", "200").put("issues", 200);

    store.update(one.withRequest(request).withProgress(20, "200 of about 1000 issues"));

    AsyncTask read = store.find(one.id()).orElseThrow();
    assertEquals("200", read.request().path("resume").path("token").asText());
    assertEquals("component = A", read.request().path("jql").asText(), "the rest kept");
    assertEquals(20, read.progress());
  }
}
