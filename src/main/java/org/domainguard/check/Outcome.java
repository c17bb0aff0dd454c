package org.domainguard.check;

/** How one provider call ended; {@link #label()} is the {@code outcome} label of {@code domainguard_checks_total}. */
public enum Outcome {
  OK("ok"),
  ERROR("error"),
  TIMEOUT("timeout"),
  RATE_LIMITED("rate_limited"),
  MALFORMED("malformed");

  private final String label;

  Outcome(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
