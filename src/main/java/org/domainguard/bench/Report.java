package org.domainguard.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bench's result: every figure under its section in JSON (for comparing runs) and the same
 * figures as one aligned table, with the targets and whether each was met.
 */
final class Report {
  /** One line of the table; {@code target} and {@code verdict} are empty for plain figures. */
  record Line(String section, String label, String value, String unit, String target, String verdict) {}

  /** A target: {@code value op limit} must hold ("<=", ">=", "<", "=="). */
  record Target(String name, String op, double limit, String limitText) {
    boolean met(double value) {
      if (Double.isNaN(value)) {
        return false;
      }
      return switch (op) {
        case ">=" -> value >= limit;
        case "<=" -> value <= limit;
        case "<" -> value < limit;
        case "==" -> value == limit;
        default -> throw new IllegalArgumentException("unknown comparison " + op);
      };
    }
  }

  private final JsonObject json = new JsonObject();
  private final JsonArray targets = new JsonArray();
  private final List<Line> lines = new ArrayList<>();

  Report() {
    json.put("version", 1);
  }

  JsonObject json() {
    JsonObject copy = json.copy();
    copy.put("targets", targets.copy());
    copy.put("targetsMet", targets.stream().allMatch(t -> ((JsonObject) t).getBoolean("pass")));
    return copy;
  }

  List<Line> lines() {
    return List.copyOf(lines);
  }

  /** A value kept in the JSON only. */
  void put(String section, String key, Object value) {
    section(section).put(key, value instanceof Double d && !Double.isFinite(d) ? null : value);
  }

  void count(String section, String key, String label, long value) {
    put(section, key, value);
    lines.add(new Line(section, label, String.format(Locale.ROOT, "%,d", value), "", "", ""));
  }

  void number(String section, String key, String label, double value, int decimals, String unit) {
    put(section, key, round(value, decimals));
    lines.add(new Line(section, label, format(value, decimals), unit, "", ""));
  }

  /** A figure with a remark in the target column (no verdict). */
  void noted(String section, String key, String label, double value, int decimals, String unit, String note) {
    put(section, key, round(value, decimals));
    lines.add(new Line(section, label, format(value, decimals), unit, note, ""));
  }

  void text(String section, String key, String label, String value) {
    put(section, key, value);
    lines.add(new Line(section, label, value, "", "", ""));
  }

  /** A figure with a target: shown with the target and PASS/MISS, and listed under "targets" in the JSON. */
  boolean target(String section, String key, String label, double value, int decimals, String unit, Target target) {
    put(section, key, round(value, decimals));
    boolean met = target.met(value);
    targets.add(new JsonObject()
        .put("name", target.name())
        .put("section", section)
        .put("key", key)
        .put("value", Double.isFinite(value) ? round(value, Math.max(decimals, 3)) : null)
        .put("op", target.op())
        .put("limit", target.limit())
        .put("pass", met));
    lines.add(new Line(section, label, format(value, decimals), unit, target.op() + " " + target.limitText(), met ? "PASS" : "MISS"));
    return met;
  }

  /** The aligned table, sections in the order they were first written. */
  String table(String title) {
    int labelWidth = 10;
    int valueWidth = 5;
    int unitWidth = 0;
    int targetWidth = 0;
    for (Line l : lines) {
      labelWidth = Math.max(labelWidth, l.label().length());
      valueWidth = Math.max(valueWidth, l.value().length());
      unitWidth = Math.max(unitWidth, l.unit().length());
      targetWidth = Math.max(targetWidth, l.target().length());
    }
    StringBuilder out = new StringBuilder(title).append('\n');
    String section = null;
    for (Line l : lines) {
      if (!l.section().equals(section)) {
        section = l.section();
        out.append('\n').append(section).append('\n');
      }
      String row = String.format(Locale.ROOT, "  %-" + labelWidth + "s  %" + valueWidth + "s %-" + Math.max(1, unitWidth) + "s",
          l.label(), l.value(), l.unit());
      if (!l.target().isEmpty()) {
        row += String.format(Locale.ROOT, "  %-" + targetWidth + "s  %s", l.target(), l.verdict());
      }
      out.append(row.stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private JsonObject section(String name) {
    JsonObject s = json.getJsonObject(name);
    if (s == null) {
      s = new JsonObject();
      json.put(name, s);
    }
    return s;
  }

  static String format(double value, int decimals) {
    if (!Double.isFinite(value)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }

  static Double round(double value, int decimals) {
    if (!Double.isFinite(value)) {
      return null;
    }
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
