package org.domainguard.config;

/** A configured secret (API key, token). Its {@code toString} never reveals the value, so it is safe in logs and dumps. */
public final class Secret {
  private static final Secret EMPTY = new Secret("");
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  public static Secret of(String value) {
    return value == null || value.isEmpty() ? EMPTY : new Secret(value);
  }

  public String reveal() {
    return value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public String toString() {
    return value.isEmpty() ? "(unset)" : "(secret)";
  }
}
