package org.domainguard.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Typed, validated reads of dotted keys from the merged configuration tree. Every failure names the
 * key. The reader remembers what it was asked for, so a key nobody reads (a misspelling) is caught.
 */
final class ConfigReader {
  private final JsonObject root;
  private final String prefix;
  private final Set<String> read = new HashSet<>();

  ConfigReader(JsonObject root) {
    this(root, "");
  }

  /** A reader of a nested object (a list entry), whose errors name keys under {@code prefix}. */
  ConfigReader(JsonObject root, String prefix) {
    this.root = root;
    this.prefix = prefix;
  }

  Object raw(String key) {
    read.add(key);
    Object node = root;
    for (String part : key.split("\\.")) {
      if (!(node instanceof JsonObject obj)) {
        return null;
      }
      node = obj.getValue(part);
    }
    return node;
  }

  /** Whether {@code key} is set, without counting as a read (its keys are still checked). */
  boolean present(String key) {
    boolean seen = read.contains(key);
    boolean set = raw(key) != null;
    if (!seen) {
      read.remove(key);
    }
    return set;
  }

  String string(String key, String fallback) {
    Object v = raw(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof String || v instanceof Number || v instanceof Boolean) {
      return v.toString().trim();
    }
    throw new ConfigException(prefix + key, "expected a string");
  }

  String oneOf(String key, String fallback, Set<String> allowed) {
    String v = string(key, fallback);
    if (!allowed.contains(v)) {
      throw new ConfigException(prefix + key, "expected one of " + String.join(", ", allowed.stream().sorted().toList()) + ", got '" + v + "'");
    }
    return v;
  }

  int integer(String key, int fallback, int min, int max) {
    Object v = raw(key);
    long n;
    if (v == null || "".equals(v)) {
      return fallback;
    } else if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
      n = num.longValue();
    } else if (v instanceof String s && s.trim().matches("-?\\d{1,18}")) {
      n = Long.parseLong(s.trim());
    } else {
      throw new ConfigException(prefix + key, "expected a whole number, got '" + v + "'");
    }
    if (n < min || n > max) {
      throw new ConfigException(prefix + key, "must be between " + min + " and " + max + ", got " + n);
    }
    return (int) n;
  }

  double decimal(String key, double fallback, double min, double max) {
    Object v = raw(key);
    double d;
    if (v == null || "".equals(v)) {
      return fallback;
    } else if (v instanceof Number num) {
      d = num.doubleValue();
    } else {
      try {
        d = Double.parseDouble(v.toString().trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(prefix + key, "expected a number, got '" + v + "'");
      }
    }
    if (!(d >= min && d <= max)) {
      throw new ConfigException(prefix + key, "must be between " + min + " and " + max + ", got " + d);
    }
    return d;
  }

  boolean bool(String key, boolean fallback) {
    Object v = raw(key);
    if (v == null || "".equals(v)) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString().trim().toLowerCase();
    if (s.equals("true") || s.equals("false")) {
      return Boolean.parseBoolean(s);
    }
    throw new ConfigException(prefix + key, "expected true or false, got '" + v + "'");
  }

  Duration duration(String key, String fallback) {
    Duration d = Durations.parse(prefix + key, string(key, fallback));
    if (d.isZero() && !fallback.startsWith("0")) {
      throw new ConfigException(prefix + key, "must be greater than zero");
    }
    return d;
  }

  JsonArray array(String key) {
    Object v = raw(key);
    if (v == null) {
      return new JsonArray();
    }
    if (v instanceof JsonArray a) {
      return a;
    }
    throw new ConfigException(prefix + key, "expected a list");
  }

  /**
   * Fails on the first key of the tree that no read asked for: a misspelled safety valve must not
   * silently stay at its default. Call after every key has been read.
   */
  void rejectUnknown() {
    rejectUnknown(root, "");
  }

  private void rejectUnknown(JsonObject node, String path) {
    for (String name : node.fieldNames()) {
      String key = path + name;
      Object value = node.getValue(name);
      boolean section = read.stream().anyMatch(k -> k.startsWith(key + "."));
      if (read.contains(key) || (section && value == null)) {
        continue;
      }
      if (section && value instanceof JsonObject child) {
        rejectUnknown(child, key + ".");
      } else if (section) {
        throw new ConfigException(prefix + key, "expected a section of settings, not a value");
      } else {
        throw new ConfigException(prefix + key, "unknown setting (misspelled? conf/config.yaml lists every key)");
      }
    }
  }
}
