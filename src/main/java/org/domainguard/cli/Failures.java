package org.domainguard.cli;

/** One-line descriptions of start-up failures for the terminal (the full cause goes to the log). */
final class Failures {
  private Failures() {}

  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
