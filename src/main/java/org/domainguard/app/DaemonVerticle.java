package org.domainguard.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.domainguard.apply.ChangeWriter;
import org.domainguard.apply.HeldChanges;
import org.domainguard.apply.SweepRevert;
import org.domainguard.apply.MassChangeGuard;
import org.domainguard.apply.Policy;
import org.domainguard.check.DomainChecker;
import org.domainguard.check.Providers;
import org.domainguard.check.StatusProvider;
import org.domainguard.config.AppConfig;
import org.domainguard.db.Database;
import org.domainguard.discovery.AddressMover;
import org.domainguard.discovery.DiscoveryService;
import org.domainguard.discovery.SuffixListSource;
import org.domainguard.discovery.SuffixListStore;
import org.domainguard.discovery.SuffixListUpdater;
import org.domainguard.events.Deliveries;
import org.domainguard.events.WebhookDispatcher;
import org.domainguard.fleet.Fleet;
import org.domainguard.fleet.FleetView;
import org.domainguard.fleet.SharedLimit;
import org.domainguard.host.HostPoll;
import org.domainguard.host.HostSetup;
import org.domainguard.host.HostSync;
import org.domainguard.host.HostTable;
import org.domainguard.host.HostWrite;
import org.domainguard.http.AdminApi;
import org.domainguard.http.ApiServer;
import org.domainguard.http.HealthRoutes;
import org.domainguard.http.MetricsRoute;
import org.domainguard.metrics.AddressGauges;
import org.domainguard.metrics.Metrics;
import org.domainguard.metrics.PhaseGauges;
import org.domainguard.sweep.DueSource;
import org.domainguard.sweep.Rechecks;
import org.domainguard.sweep.ResultWriter;
import org.domainguard.sweep.SweepSchedule;
import org.domainguard.sweep.SweepService;
import org.domainguard.sweep.SweepWork;
import org.domainguard.sweep.SweepStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the daemon on one event loop: database, provider, discovery, sweeps, webhooks, metrics and
 * the HTTP API. Everything it starts is part of the returned Future, so any failure (a port in use, an
 * unreachable database) fails start-up.
 */
public final class DaemonVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(DaemonVerticle.class);
  /** Addresses per discovery transaction. */
  public static final int DISCOVERY_CHUNK = 2_000;
  /** Host table rows per page of the poll scan: one short statement each. */
  public static final int HOST_SCAN_PAGE = 5_000;
  /** How long a shutdown waits for in-flight checks to finish and be written. */
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);

  private final AppConfig config;
  private final PrometheusMeterRegistry registry;
  private final Clock clock;
  private final String providerUrl;
  private Database database;
  private Fleet fleet;
  private SweepService sweeps;
  private Rechecks rechecks;
  private SuffixListSource suffixSource;
  private SuffixListUpdater suffixes;
  private WebhookDispatcher webhooks;
  private HttpServer server;
  private Router router;

  /** A daemon whose provider answers where the configuration says. */
  public DaemonVerticle(AppConfig config, PrometheusMeterRegistry registry, Clock clock) {
    this(config, registry, clock, null);
  }

  /**
   * A daemon whose provider answers at {@code providerUrl} when the configuration names no address
   * for it: provider {@code simulator}, whose base URL is known only once the caller has started
   * it (see {@link Providers#create}). Null: as configured.
   */
  public DaemonVerticle(AppConfig config, PrometheusMeterRegistry registry, Clock clock, String providerUrl) {
    this.config = config;
    this.registry = registry;
    this.clock = clock;
    this.providerUrl = providerUrl;
  }

  @Override
  public Future<?> start() {
    try {
      config.requireStatusSource();
      config.http().admin().requireAuthentication();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return Database.open(vertx, config.db())
        .compose(db -> {
          database = db;
          return HostSetup.prepare(vertx, db.target(), config.host())
              .compose(host -> wire(db, host))
              .recover(e -> stop().transform(ignored -> Future.failedFuture(e)));
        });
  }

  /** {@code host}: the host's own table, or null when the host writes {@code email_addresses}. */
  private Future<?> wire(Database db, HostTable host) {
    AppConfig.Provider p = config.provider();
    Metrics metrics = new Metrics(registry);
    String owner = Owners.thisProcess();
    fleet = new Fleet(vertx, db.pool(), owner, config.fleet(), clock, System::nanoTime);
    StatusProvider provider = Providers.create(vertx, config, providerUrl, clock, metrics, fleet);
    DomainChecker checker = DomainChecker.forProvider(vertx, provider, config, metrics, clock, fleet);
    metrics.fleet(provider.name(), fleet::liveDaemons, () -> fleet.rateShare(SharedLimit.providerKey(provider.name())));
    HostWrite hostWrite = HostWrite.of(host);
    DiscoveryService discovery = new DiscoveryService(vertx, db.pool(), DISCOVERY_CHUNK, () -> suffixes.get(), intake(db, host));
    suffixSource = new SuffixListSource(vertx, config.discovery().publicSuffixList(), clock);
    suffixes = new SuffixListUpdater(vertx, suffixSource, new SuffixListStore(vertx, db.pool()), discovery,
        new AddressMover(vertx, db.pool(), DISCOVERY_CHUNK), config.discovery().publicSuffixRefresh(), clock);
    MassChangeGuard guard = new MassChangeGuard(db.pool(), config.guard(), clock);
    Duration lease = config.schedule().lease();
    DueSource source = new DueSource(db.pool(), owner, lease, clock);
    SweepStore sweepStore = new SweepStore(db.pool(), owner);
    ResultWriter writer = new ResultWriter(vertx, db.pool(), source, new ChangeWriter(guard, hostWrite), config.writer(), metrics);
    SweepWork work = new SweepWork(source, checker, new Policy(config.schedule(), config.policy()), writer, metrics, clock,
        p.maxInFlight(), pageSize(p, lease));
    sweeps = new SweepService(vertx, discovery, sweepStore, guard, work);
    rechecks = new Rechecks(work);
    fleet.onDeparture(sweeps::daemonDeparted);
    SweepSchedule schedule = new SweepSchedule(vertx, sweeps, sweepStore, metrics, lease, config.fleet().heartbeat());

    PhaseGauges phases = new PhaseGauges(db.pool(), metrics);
    AddressGauges addresses = new AddressGauges(db.pool(), metrics);
    HeldChanges held = new HeldChanges(db.pool(), metrics, hostWrite);
    Deliveries deliveries = new Deliveries(db.pool(), metrics, clock);
    webhooks = new WebhookDispatcher(vertx, db.pool(), config.webhooks(), metrics, clock, owner, WebhookDispatcher.Settings.DEFAULT);
    long refresh = config.metrics().refreshInterval().toMillis();
    vertx.setPeriodic(0, refresh, id -> phases.refresh().compose(v -> held.refreshGauge()).compose(v -> deliveries.refreshGauge())
        .onFailure(e -> log.warn("gauge refresh from the database failed", e)));
    vertx.setPeriodic(Duration.ofHours(1).toMillis(), id -> deliveries.prune()
        .onSuccess(n -> log.debug("settled events pruned events={}", n))
        .onFailure(e -> log.warn("pruning settled events failed; retrying in an hour", e)));
    sweeps.onSweepFinished(id -> phases.refresh().compose(v -> addresses.refresh()).compose(v -> held.refreshGauge())
        .onFailure(e -> log.warn("gauge refresh after a sweep failed", e)));

    router = Router.router(vertx);
    new HealthRoutes(db, checker::breakerState).mount(router);
    new MetricsRoute(registry).mount(router);
    Future<Void> adminApi = AdminApi.mount(router, new AdminApi.Services(
        vertx, config.http().admin(), sweeps, rechecks, sweepStore, held, new SweepRevert(db.pool(), hostWrite), deliveries, db.pool(), registry, clock, () -> suffixes.get(),
        new FleetView(db.pool(), owner, clock)));
    return fleet.start()
        .compose(v -> suffixes.start())
        .onSuccess(list -> scheduleDiscovery(discovery, addresses))
        .compose(list -> adminApi)
        .compose(v -> webhooks.start())
        .compose(v -> ApiServer.listen(vertx, config.http(), router))
        .onSuccess(s -> server = s)
        .compose(s -> schedule.start(config.schedule().sweepInterval()));
  }

  /** How the host table's changes reach the mirror: its triggers' queue, or that queue filled by a scan each discovery interval. */
  private DiscoveryService.Intake intake(Database db, HostTable host) {
    if (host == null) {
      return DiscoveryService.Intake.NONE;
    }
    HostPoll poll = host.config().capture() == AppConfig.Capture.POLL
        ? new HostPoll(db.pool(), host, clock, config.schedule().discoveryInterval(), HOST_SCAN_PAGE)
        : null;
    return new HostSync(db.pool(), host, poll, DISCOVERY_CHUNK);
  }

  /**
   * Discovery every interval, then the address counts (counting every address is too costly for
   * the metrics interval); and a look at the Public Suffix List every hour (or every refresh
   * interval if shorter): it is fetched when the last fetch is a refresh interval old. A fetch
   * never delays start-up and a failed one only logs a warning.
   */
  private void scheduleDiscovery(DiscoveryService discovery, AddressGauges addresses) {
    vertx.setPeriodic(0, config.schedule().discoveryInterval().toMillis(), id -> discovery.discover()
        .onFailure(e -> log.warn("discovery failed; retrying next interval", e))
        .transform(ar -> addresses.refresh())
        .onFailure(e -> log.warn("address gauge refresh from the database failed", e)));
    Duration refresh = config.discovery().publicSuffixRefresh();
    long every = Math.min(refresh.toMillis(), Duration.ofHours(1).toMillis());
    vertx.setPeriodic(0, every, id -> suffixes.refreshIfDue());
  }

  /**
   * Domains leased per page: enough to keep every worker busy, but few enough that the last of a
   * page is checked well within the lease even at a low rate.
   */
  static int pageSize(AppConfig.Provider p, Duration lease) {
    int forWorkers = Math.max(50, 2 * p.maxInFlight());
    int withinLease = (int) Math.max(1, Math.min(Integer.MAX_VALUE, p.ratePerSecond() * lease.toSeconds() / 2));
    return Math.min(1_000, Math.min(forWorkers, withinLease));
  }

  /**
   * Runs {@code action} on the daemon's event loop, where its services live: for tests that drive
   * {@link #sweeps()} or {@link #suffixes()} from another thread. Everything else reaches the
   * daemon through its HTTP API.
   */
  public <T> Future<T> call(Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(result));
    return result.future();
  }

  /** The routes the HTTP API serves, as mounted (once started). */
  public Router router() {
    return router;
  }

  public int httpPort() {
    return server.actualPort();
  }

  public SweepService sweeps() {
    return sweeps;
  }

  public Rechecks rechecks() {
    return rechecks;
  }

  public SuffixListUpdater suffixes() {
    return suffixes;
  }

  /** Stops taking domains, lets in-flight checks finish and be written (bounded), then closes everything. */
  @Override
  public Future<?> stop() {
    Future<Void> drained = sweeps == null ? Future.succeededFuture() : sweeps.drain(SHUTDOWN_GRACE);
    return drained
        .eventually(() -> fleet == null ? Future.succeededFuture() : fleet.leave())
        .eventually(() -> webhooks == null ? Future.succeededFuture() : webhooks.stop())
        .eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> {
          if (suffixSource != null) {
            suffixSource.close();
          }
          return Future.succeededFuture();
        })
        .eventually(() -> database == null ? Future.succeededFuture() : database.close());
  }
}
