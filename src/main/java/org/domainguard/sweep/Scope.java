package org.domainguard.sweep;

/** What a sweep covers: the domains due now, or every domain (made due at its start). */
public enum Scope {
  DUE("due"),
  ALL("all");

  private final String label;

  Scope(String label) {
    this.label = label;
  }

  /** As stored in {@code sweeps.scope} and spoken by the admin API. */
  public String label() {
    return label;
  }

  /** The scope with this label, or null. */
  public static Scope of(String label) {
    for (Scope s : values()) {
      if (s.label.equals(label)) {
        return s;
      }
    }
    return null;
  }
}
