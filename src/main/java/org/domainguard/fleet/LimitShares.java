package org.domainguard.fleet;

import java.time.Duration;

/** Where a daemon's rate limits get their shares, and where a 429 is made known to every daemon. */
public interface LimitShares {
  /** Starts sharing {@code limit}: it runs at no rate until its first share arrives. */
  void join(SharedLimit limit);

  /** A 429 under {@code key}: every daemon pauses its calls under it for {@code pause}. */
  void paused(String key, Duration pause);

  /** A process alone (the {@code check} command, tests): each limit keeps the rate it was built with. */
  LimitShares ALONE = new LimitShares() {
    @Override
    public void join(SharedLimit limit) {
      // Nothing to share with.
    }

    @Override
    public void paused(String key, Duration pause) {
      // The limit that got the 429 paused itself; there is nobody else to tell.
    }
  };
}
