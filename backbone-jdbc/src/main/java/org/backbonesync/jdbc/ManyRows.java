package org.backbonesync.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A batched write's form for PostgreSQL that writes all its rows in one statement: the rows'
 * columns go as arrays, which {@code unnest} turns back into rows for an {@code UPDATE ... FROM},
 * a {@code DELETE ... USING} or an {@code INSERT ... SELECT}. PostgreSQL runs a JDBC batch one
 * statement after another (a bind, an execute and an executor start each), which cost it about
 * 11 microseconds of CPU per row for {@code bb_sync_info}'s full update against about 5 for the
 * same rows in one statement of 100 (on the 2-core development machine, 100,000 rows each way);
 * a change costs several such writes ({@link TransactionWrites}). One text for any number of rows:
 * a connection prepares it once, PostgreSQL plans it once, and a write of 50 rows is one round
 * trip, as the batch was. H2, in the same process, runs batches without that cost and has
 * neither {@code unnest} of several arrays nor {@code UPDATE ... FROM}: it keeps the batches.
 *
 * <p>The rows of one statement write distinct keys (a batch never holds a key twice: {@link
 * TransactionWrites}), which an {@code ON CONFLICT DO UPDATE} and an {@code UPDATE ... FROM}
 * need. Whether a row was found is not told, so a form is only for writes whose count nobody
 * reads. An insert takes its rows in their order ({@code WITH ORDINALITY}), so that identity
 * columns number them as the batch did. PostgreSQL plans an update's or delete's join from the
 * table's statistics: a hash join over the whole of a small table (a few thousand rows: cheap),
 * the index row by row for a big one, also in a generic plan ({@code ByIdPlansTest}: 20,000
 * rows, analyzed).
 *
 * @param sql the statement, one array parameter per column
 * @param types each column's element type ({@code Connection.createArrayOf}'s names, or {@link
 *     #UTF8}): the first {@code types.length} arguments of each row
 * @param fromInsert whether the rows are an upsert's insert arguments, not its update's
 */
record ManyRows(String sql, String[] types, boolean fromInsert) {
  /**
   * The type of a text column sent as its values' UTF-8 bytes, a {@code bytea[]}, which the
   * statement turns back into text with {@code convert_from(column, 'UTF8')}: pgjdbc encodes a
   * {@code String[]} through a stream that grows by doubling and is copied at the end, about four
   * times the bytes of the text, where it sends a {@code byte[][]} in one array of its exact
   * size. For the JSON columns, whose messages are the bulk of what a change writes, and the
   * other text an insert only stores; not for a column a statement joins or compares on, whose
   * index PostgreSQL would no longer use ({@code ByIdPlansTest}), but for one it compares as
   * an expression no index holds (a connector key, {@link JdbcSyncInfoStore#SAME_CONNECTOR}):
   * the same key in every row is then encoded once, not once per row by the driver.
   */
  static final String UTF8 = "utf8";

  /** Writes the rows, each its arguments, in one statement. */
  void write(Connection c, List<Object[]> rows) throws SQLException {
    run(c, rows, PreparedStatement::executeUpdate);
  }

  /**
   * Writes the rows in one statement whose {@code RETURNING} gives one text column: its values,
   * one per row written.
   */
  List<String> writeReturning(Connection c, List<Object[]> rows) throws SQLException {
    return run(c, rows, s -> {
      List<String> returned = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          returned.add(r.getString(1));
        }
      }
      return returned;
    });
  }

  private interface Execution<T> {
    T execute(PreparedStatement s) throws SQLException;
  }

  private <T> T run(Connection c, List<Object[]> rows, Execution<T> execution)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      Array[] arrays = new Array[types.length];
      try {
        for (int i = 0; i < types.length; i++) {
          Object[] column = column(rows, i);
          if (column.getClass() == Object[].class) {
            arrays[i] = c.createArrayOf(sqlType(types[i]), column);
            s.setArray(i + 1, arrays[i]);
          } else {
            s.setObject(i + 1, column);
          }
        }
        return execution.execute(s);
      } finally {
        for (Array array : arrays) {
          if (array != null) {
            array.free();
          }
        }
      }
    }
  }

  /**
   * The rows' values of column {@code i}, in an array of the column's Java type when every value
   * has it: pgjdbc sends a {@code Long[]}, {@code String[]} or {@code Boolean[]} in binary, one
   * {@code byte[]}, where an {@code Object[]} goes as the text of an array literal (each number
   * turned into a string, the whole escaped, then encoded: about a tenth of what a change
   * allocated, {@code TwoNodeBenchmark}, JFR). Any other value keeps the column an {@code
   * Object[]}, sent as text as before. A typed column is bound as the Java array itself
   * ({@code setObject}: pgjdbc sends {@code Long[]} as {@code int8[]}, {@code String[]} as
   * {@code varchar[]}, {@code Boolean[]} as {@code bool[]} and {@code byte[][]} as {@code
   * bytea[]}, as the reads' {@link InLists#args(boolean, List, Object...)} are), not through
   * {@code createArrayOf} and {@code setArray}, whose array object and look-up of the array
   * type's name for each column were about a fiftieth of what a change allocated ({@code
   * TwoNodeBenchmark}, JFR); the statement casts each array to its column's type.
   */
  private Object[] column(List<Object[]> rows, int i) {
    if (types[i].equals(UTF8)) {
      return utf8(rows, i);
    }
    Object[] column = switch (types[i]) {
      case "int8" -> new Long[rows.size()];
      case "varchar", "text" -> new String[rows.size()];
      case "bool" -> new Boolean[rows.size()];
      default -> new Object[rows.size()];
    };
    Class<?> type = column.getClass().getComponentType();
    for (int r = 0; r < column.length; r++) {
      Object value = rows.get(r)[i];
      if (value instanceof Integer small && type == Long.class) {
        value = small.longValue();
      }
      if (value != null && !type.isInstance(value)) {
        return textColumn(rows, i);
      }
      column[r] = value;
    }
    return column;
  }

  /**
   * The UTF-8 bytes of the rows' values of column {@code i} (of their text, as sent before). A
   * value that is the very string of one of the {@value #LOOK_BACK} rows before (a connector's
   * key, a lease's node and scope, an entry's status, a trace entry's direction, kind and
   * outcome: the same instance in many rows, alternating between two connectors in a trace)
   * shares that row's bytes, which nobody changes (the driver copies them into its array):
   * encoding each again was about a fiftieth of what a change allocated, and comparing with the
   * row just before only left the trace's alternating values encoded once per row, about a
   * hundredth ({@code TwoNodeBenchmark}, JFR).
   */
  private static byte[][] utf8(List<Object[]> rows, int i) {
    byte[][] column = new byte[rows.size()][];
    for (int r = 0; r < column.length; r++) {
      Object value = rows.get(r)[i];
      if (value != null) {
        byte[] before = encodedBefore(rows, i, r, value, column);
        column[r] = before != null ? before : value instanceof Utf8Text text ? text.utf8()
            : value.toString().getBytes(StandardCharsets.UTF_8);
      }
    }
    return column;
  }

  /** How many rows back {@link #utf8} looks for the same instance of a value. */
  static final int LOOK_BACK = 4;

  /** The bytes of row {@code r}'s value if one of the rows just before has that instance. */
  private static byte[] encodedBefore(List<Object[]> rows, int i, int r, Object value,
      byte[][] column) {
    for (int q = r - 1; q >= 0 && q >= r - LOOK_BACK; q--) {
      if (rows.get(q)[i] == value) {
        return column[q];
      }
    }
    return null;
  }

  private static String sqlType(String type) {
    return type.equals(UTF8) ? "bytea" : type;
  }

  private static Object[] textColumn(List<Object[]> rows, int i) {
    Object[] column = new Object[rows.size()];
    for (int r = 0; r < column.length; r++) {
      column[r] = rows.get(r)[i];
    }
    return column;
  }

  /**
   * A form whose statement's {@code %s} is the {@code unnest} of one array per column, of these
   * element types.
   */
  static ManyRows of(String sql, boolean fromInsert, String... types) {
    return new ManyRows(String.format(sql, unnest(types)), types, fromInsert);
  }

  /** The arrays of the given types, as {@code unnest}'s arguments: {@code CAST(? AS int8[])}. */
  private static String unnest(String... sqlTypes) {
    StringBuilder args = new StringBuilder("unnest(");
    for (int i = 0; i < sqlTypes.length; i++) {
      args.append(i == 0 ? "" : ", ").append("CAST(? AS ").append(sqlType(sqlTypes[i]))
          .append("[])");
    }
    return args.append(")").toString();
  }
}
