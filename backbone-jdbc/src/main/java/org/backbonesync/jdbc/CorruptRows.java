package org.backbonesync.jdbc;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rows whose JSON cannot be read: each is logged once, with its table and id, and skipped by the
 * read that met it, so that one damaged row never stops the other issues. Thread-safe.
 */
final class CorruptRows {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcStores.class);
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  /** Logs the row the first time it is met. */
  void report(String table, String id, String detail, RuntimeException cause) {
    String row = table + " row " + id;
    String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    if (reported.add(row + " (" + detail + "): " + reason)) {
      LOG.error("{} ({}) is not readable and is skipped; repair or delete it: {}", row, detail,
          reason);
    }
  }

  List<String> list() {
    return reported.stream().sorted().toList();
  }
}
