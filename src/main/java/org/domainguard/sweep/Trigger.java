package org.domainguard.sweep;

/**
 * Who started a sweep. It decides the mass-change guard's window: an operator's sweep is weighed
 * on its own (its limits sized from its total), scheduled sweeps share the hourly window.
 */
public enum Trigger {
  SCHEDULE("schedule"),
  OPERATOR("api");

  private final String label;

  Trigger(String label) {
    this.label = label;
  }

  /** As stored in {@code sweeps.trigger}. */
  public String label() {
    return label;
  }

  /** The trigger of a stored sweep: anything but the schedule was an operator. */
  static Trigger of(String label) {
    return SCHEDULE.label.equals(label) ? SCHEDULE : OPERATOR;
  }
}
