package org.domainguard.discovery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the daemon's Public Suffix List current. At start it uses the newer of the bundled
 * snapshot and the list stored in the database (so a restart without network never goes back to
 * an older list); then it fetches from the configured source whenever the last fetch is
 * {@code refresh} old (failures are retried after at most an hour, and the current list stays).
 * A list whose ICANN rules differ is used at once, every address is re-derived
 * ({@link AddressMover}), then the list is stored. Lives on the daemon's event loop; blocking work goes to
 * worker threads.
 */
public final class SuffixListUpdater implements Supplier<PublicSuffixList> {
  private static final Logger log = LoggerFactory.getLogger(SuffixListUpdater.class);
  static final Duration RETRY = Duration.ofHours(1);

  private final Vertx vertx;
  private final SuffixListSource source;
  private final SuffixListStore store;
  private final DiscoveryService discovery;
  private final AddressMover mover;
  private final Duration refresh;
  private final Clock clock;
  /** Set by {@link #start()}, before discovery runs (parsing the snapshot is kept off the event loop). */
  private volatile PublicSuffixList current;
  private Instant nextFetchAt = Instant.MIN;
  private Future<?> applying = Future.succeededFuture();

  public SuffixListUpdater(Vertx vertx, SuffixListSource source, SuffixListStore store, DiscoveryService discovery,
      AddressMover mover, Duration refresh, Clock clock) {
    this.vertx = vertx;
    this.source = source;
    this.store = store;
    this.discovery = discovery;
    this.mover = mover;
    this.refresh = refresh;
    this.clock = clock;
  }

  /** The list in use now. */
  @Override
  public PublicSuffixList get() {
    return current;
  }

  /**
   * Chooses the list to start with. Completes once it is in use; re-deriving addresses (when the
   * database followed another list) goes on in the background, see {@link #applied()}.
   */
  public Future<PublicSuffixList> start() {
    return vertx.executeBlocking(() -> new SuffixListSource.Fetched(PublicSuffixList.bundled(), PublicSuffixList.bundledText()), false)
        .compose(snapshot -> store.load().map(stored -> {
          PublicSuffixList bundled = snapshot.list();
          boolean storedWins = SuffixListStore.newer(stored, bundled) != bundled;
          if (stored != null && source.location().equals(stored.source()) && stored.fetchedAt() != null) {
            nextFetchAt = stored.fetchedAt().plus(refresh);
          }
          if (storedWins) {
            current = stored.list();
          } else if (stored == null || !stored.list().digest().equals(bundled.digest())) {
            apply(bundled, snapshot.text(), SuffixListSource.BUNDLED, null);
          } else {
            current = bundled;
          }
          log.info("public suffix list in use {} source={}", current, storedWins ? stored.source() : SuffixListSource.BUNDLED);
          return current;
        }));
  }

  /** Fetches when the last fetch is {@code refresh} old (by the injected clock); otherwise does nothing. */
  public Future<Boolean> refreshIfDue() {
    if (!source.fetchable() || clock.instant().isBefore(nextFetchAt)) {
      return Future.succeededFuture(false);
    }
    return refresh();
  }

  /**
   * Fetches now. Completes with true when the list changed (after its addresses were re-derived),
   * false when it was unchanged or the fetch failed (the current list stays; retried within an hour).
   */
  public Future<Boolean> refresh() {
    Instant started = clock.instant();
    nextFetchAt = started.plus(RETRY.compareTo(refresh) < 0 ? RETRY : refresh);
    return source.fetch()
        .compose(fetched -> {
          nextFetchAt = started.plus(refresh);
          if (fetched.list().digest().equals(current.digest())) {
            log.info("public suffix list unchanged source={} rules={}", source.location(), current.ruleCount());
            return store.fetched(started).map(false);
          }
          log.info("public suffix list changed source={} from={} to={}", source.location(), current, fetched.list());
          return apply(fetched.list(), fetched.text(), source.location(), started).map(true);
        })
        .recover(e -> {
          log.warn("public suffix list refresh failed source={}; keeping {}: {}", source.location(), current, e.toString());
          return Future.succeededFuture(false);
        });
  }

  /** Completes when the last list change has been applied to every address. */
  public Future<?> applied() {
    return applying;
  }

  /** Uses {@code list} from now on, records it, then re-derives every address (one change at a time). */
  private Future<?> apply(PublicSuffixList list, String text, String from, Instant fetchedAt) {
    current = list;
    Future<?> previous = applying;
    // Addresses already queued are discovered with the new list before the pass starts, so no
    // chunk parsed with the old list is written after the pass went by. The list is recorded only
    // once every address follows it: after a crash or failure, the next start does it again.
    applying = previous.transform(ignored -> discovery.discover()
        .compose(v -> mover.moveAll(list))
        .compose(moves -> store.save(list, text, from, fetchedAt))
        .onFailure(e -> log.warn("re-deriving addresses for the new public suffix list failed; done again at the next start", e)));
    return applying;
  }
}
