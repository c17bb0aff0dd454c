package org.domainguard.cli;

import static org.domainguard.app.Blocking.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.domainguard.app.VertxRuntime;
import org.domainguard.bench.BenchCommand;
import org.domainguard.config.AppConfig;
import org.domainguard.config.ConfigException;
import org.domainguard.config.ConfigLoader;
import org.domainguard.db.Database;
import org.domainguard.host.HostSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one entry point: {@code java -jar domain-guard.jar COMMAND [options]}. */
public final class Main {
  static final int OK = 0;
  static final int RUNTIME_FAILURE = 1;
  static final int BAD_USAGE = 2;
  static final Path DEFAULT_CONFIG = Path.of("conf/config.yaml");
  private static final Logger log = LoggerFactory.getLogger(Main.class);
  private static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(60);

  static final String USAGE = """
      usage: java -jar target/domain-guard.jar COMMAND [options]

      commands:
        run [--config FILE]          the daemon (default config conf/config.yaml)
        demo [--once]                embedded PostgreSQL + simulator + demo data; one sweep, then serve
             [--provider rdap]       (the daemon calls the simulator's RDAP servers through their bootstrap)
        simulate [--port N]          the built-in status-API simulator alone (Fastly format and RDAP)
        check DOMAIN [--config FILE] one check through the configured provider, printed; changes nothing
        explain ADDRESS... | -       how each address is watched or why it is skipped, one JSON line each
                [--config FILE]      ('-': one address per line on stdin); with db.url set, also the
                                     domain's phase and the address's verification; changes nothing
        migrate [--config FILE]      apply database migrations and exit
        bench [--quick] [options]    sweep throughput vs the raw ceiling, limiter accuracy, memory (scripts/bench.sh);
                                     --provider rdap: through the simulator's RDAP servers;
                                     --daemons N: N daemon processes on one database, one simulator
        --help                       this text

      exit codes: 0 success, 2 bad usage or configuration, 1 runtime failure
      """;

  private final Map<String, String> env;
  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;

  Main(Map<String, String> env, PrintStream out, PrintStream err) {
    this(env, System.in, out, err);
  }

  Main(Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
    this.env = env;
    this.in = in;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new Main(System.getenv(), System.in, System.out, System.err).execute(args));
  }

  int execute(String[] args) {
    try {
      CommandLine cmd = CommandLine.parse(args);
      return switch (cmd.command()) {
        case "--help", "-h", "help" -> {
          out.print(USAGE);
          yield OK;
        }
        case "run" -> run(cmd);
        case "migrate" -> migrate(cmd);
        case "demo" -> new DemoCommand(env, out).run(cmd);
        case "simulate" -> new SimulateCommand(env, out).run(cmd);
        case "check" -> new CheckCommand(env, out).run(cmd);
        case "explain" -> new ExplainCommand(env, in, out).run(cmd);
        case "bench" -> new BenchCommand(env, out).run(cmd.options(), cmd.arguments());
        default -> throw new UsageException("unknown command '" + cmd.command() + "' (see --help)");
      };
    } catch (UsageException | ConfigException e) {
      err.println("domain-guard: " + e.getMessage());
      return BAD_USAGE;
    } catch (RuntimeException e) {
      log.error("domain-guard failed", e);
      err.println("domain-guard: " + Failures.describe(e));
      return RUNTIME_FAILURE;
    }
  }

  static AppConfig loadConfig(Vertx vertx, CommandLine cmd, Map<String, String> env) {
    String file = cmd.option("--config", null);
    Path path = file == null ? DEFAULT_CONFIG : Path.of(file);
    return await(ConfigLoader.load(vertx, path, file != null, env));
  }

  private AppConfig loadConfig(Vertx vertx, CommandLine cmd) {
    return loadConfig(vertx, cmd, env);
  }

  private int migrate(CommandLine cmd) {
    cmd.allow(Set.of("--config"), 0, 0);
    Vertx vertx = Vertx.vertx();
    try {
      AppConfig config = loadConfig(vertx, cmd);
      Database db = await(Database.open(vertx, config.db()));
      try {
        await(HostSetup.prepare(vertx, db.target(), config.host()));
      } finally {
        await(db.close());
      }
      out.println("migrations applied to " + db.target());
      return OK;
    } finally {
      await(vertx.close());
    }
  }

  private int run(CommandLine cmd) {
    cmd.allow(Set.of("--config"), 0, 0);
    PrometheusMeterRegistry registry = VertxRuntime.newRegistry();
    Vertx vertx = VertxRuntime.create(registry);
    AppConfig config;
    RunningDaemon daemon;
    try {
      config = loadConfig(vertx, cmd);
      daemon = RunningDaemon.start(vertx, config, registry);
    } catch (RuntimeException e) {
      await(vertx.close());
      throw e;
    }
    log.info("domain-guard running provider={} httpPort={}", config.provider().name(), daemon.httpPort());
    return serveUntilTerminated(vertx, daemon::stop);
  }

  /**
   * Blocks until SIGTERM or SIGINT, then runs {@code shutdown} (stopping the daemon and what the
   * command started beside it) and closes Vert.x, within a bound. Handling the signals ourselves
   * lets a clean shutdown exit 0.
   */
  static int serveUntilTerminated(Vertx vertx, Supplier<Future<?>> shutdown) {
    CountDownLatch signalled = new CountDownLatch(1);
    for (String name : new String[] {"TERM", "INT"}) {
      sun.misc.Signal.handle(new sun.misc.Signal(name), s -> signalled.countDown());
    }
    try {
      signalled.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("shutting down");
    try {
      long deadline = System.nanoTime() + SHUTDOWN_BOUND.toNanos();
      try {
        await(shutdown.get(), SHUTDOWN_BOUND);
      } finally {
        // Awaited apart: a future chained on this Vert.x could not complete once its event loops are gone.
        await(vertx.close(), Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      }
      log.info("shutdown complete");
      return OK;
    } catch (RuntimeException e) {
      log.error("shutdown did not complete cleanly", e);
      return RUNTIME_FAILURE;
    }
  }
}
