package org.domainguard.sweep;

/** A sweep is already running (in this daemon or another on the database). */
public final class SweepConflictException extends RuntimeException {
  private final long runningId;

  public SweepConflictException(long runningId) {
    super("sweep " + runningId + " is already running");
    this.runningId = runningId;
  }

  public long runningId() {
    return runningId;
  }
}
