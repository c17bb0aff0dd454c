package org.domainguard.sweep;

/** Live progress of a running sweep: counts so far and domains per second. */
public record SweepProgress(long total, long done, long failed, long changed, double ratePerSecond) {}
