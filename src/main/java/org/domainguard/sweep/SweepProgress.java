package org.domainguard.sweep;

/** Live progress of a running sweep: counts so far, domains per second and seconds left (null before the first result). */
public record SweepProgress(long total, long done, long failed, long changed, double ratePerSecond, Long etaSeconds) {}
