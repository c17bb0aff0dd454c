package org.domainguard.sweep;

import java.time.Instant;

/** A row of the sweeps table. */
public record SweepRecord(
    long id, String scope, String trigger, String state, long total, long done, long failed, long changed,
    Instant startedAt, Instant finishedAt, String error) {}
