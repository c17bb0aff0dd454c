package org.domainguard.host;

import org.domainguard.config.AppConfig;

/**
 * The host's own table as found in the database at start-up: its configured names, quoted for SQL,
 * and the types its id and reason are written as. Built by {@link HostSetup}.
 */
public record HostTable(AppConfig.Host config, String idType, String reasonType) {

  /** The table, schema-qualified and quoted. */
  public String name() {
    return config.sqlName();
  }

  /** The id column of the row alias {@code row}. */
  String id(String row) {
    return row + "." + AppConfig.Host.quoted(config.columns().id());
  }

  String address(String row) {
    return row + "." + AppConfig.Host.quoted(config.columns().address());
  }

  String verified(String row) {
    return row + "." + AppConfig.Host.quoted(config.columns().verified());
  }

  /** The reason column unqualified (an UPDATE's SET list), or null when the host table has none. */
  String reasonColumn() {
    return config.columns().reason() == null ? null : AppConfig.Host.quoted(config.columns().reason());
  }

  /** A text expression (a mirrored id, a parameter) as the host's id type: keysets order as the host's index does. */
  String asId(String textExpression) {
    return "(" + textExpression + ")::text::" + idType;
  }

  /** What the mirror keeps of a host row: its address as text, and verified (NULL read as false). */
  String addressText(String row) {
    return address(row) + "::text";
  }

  String verifiedOrFalse(String row) {
    return "COALESCE(" + verified(row) + ", false)";
  }
}
