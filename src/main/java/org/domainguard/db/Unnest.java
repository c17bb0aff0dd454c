package org.domainguard.db;

import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * The rows of a set-based statement, as named columns over arrays: {@code unnest($1::bigint[],
 * $2::text[]) AS t(domain_id, reason)}. Each column is declared once, with its name, its SQL type
 * and how to read it from a row, so the statement refers to {@code t.reason} by name and the
 * parameters are bound in the declared order: no {@code $n} has to line up with a hand-built array.
 *
 * @param <R> the Java row the columns are read from
 */
public final class Unnest<R> {
  /** The SQL array types used, each with the Java array the client binds for it. */
  public enum Type {
    BIGINT("bigint", Long[]::new),
    INT("int", Integer[]::new),
    TEXT("text", String[]::new),
    BOOL("bool", Boolean[]::new),
    FLOAT8("float8", Double[]::new),
    UUID("uuid", java.util.UUID[]::new),
    TIMESTAMPTZ("timestamptz", OffsetDateTime[]::new),
    /**
     * A JSON document, bound as its text (null for SQL NULL: the client would bind a null JSON
     * value as the JSON {@code null}) and read as {@code jsonb} through {@link #select}.
     */
    JSONB("text", String[]::new, "::jsonb");

    private final String sql;
    private final IntFunction<Object[]> arrays;
    private final String read;

    Type(String sql, IntFunction<Object[]> arrays) {
      this(sql, arrays, "");
    }

    Type(String sql, IntFunction<Object[]> arrays, String read) {
      this.sql = sql;
      this.arrays = arrays;
      this.read = read;
    }
  }

  private record Column<R>(String name, Type type, Function<R, ?> value) {}

  private final List<Column<R>> columns = new ArrayList<>();

  private Unnest() {}

  public static <R> Unnest<R> of() {
    return new Unnest<>();
  }

  public Unnest<R> column(String name, Type type, Function<R, ?> value) {
    columns.add(new Column<>(name, type, value));
    return this;
  }

  /** A timestamptz column read as an {@link Instant}. */
  public Unnest<R> time(String name, Function<R, Instant> value) {
    return column(name, Type.TIMESTAMPTZ, r -> Timestamps.utc(value.apply(r)));
  }

  /** {@code unnest($1::type[], ...) AS alias(name, ...)}, for a FROM clause. */
  public String from(String alias) {
    StringBuilder arrays = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      arrays.append(i == 0 ? "" : ", ").append('$').append(i + 1).append("::").append(columns.get(i).type().sql).append("[]");
    }
    return "unnest(" + arrays + ") AS " + alias + "(" + names() + ")";
  }

  /** The columns read from {@code alias} with their types, comma-separated, in order (for an INSERT's SELECT list). */
  public String select(String alias) {
    return columns.stream().map(c -> alias + "." + c.name() + c.type().read).collect(Collectors.joining(", "));
  }

  /** The column names, comma-separated, in order (for an INSERT's column list). */
  public String names() {
    return columns.stream().map(Column::name).collect(Collectors.joining(", "));
  }

  /** The parameters for {@code rows}: one array per column, in the order {@link #from} numbers them. */
  public Tuple bind(List<R> rows) {
    Tuple tuple = Tuple.tuple();
    for (Column<R> c : columns) {
      Object[] values = c.type().arrays.apply(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        values[i] = c.value().apply(rows.get(i));
      }
      // addValue, not Tuple.of: an array passed as varargs would be spread.
      tuple.addValue(values);
    }
    return tuple;
  }
}
