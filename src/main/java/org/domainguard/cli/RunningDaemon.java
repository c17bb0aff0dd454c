package org.domainguard.cli;

import static org.domainguard.app.Blocking.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import org.domainguard.app.DaemonVerticle;
import org.domainguard.config.AppConfig;
import org.domainguard.sim.Simulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon as {@code run} and {@code demo} start it. With {@code provider.name: simulator} the
 * in-process simulator starts first and the daemon reaches it like any Fastly-format provider, at
 * its base URL; {@link #stop()} stops the daemon (letting in-flight checks finish), then the
 * simulator.
 */
final class RunningDaemon {
  private static final Logger log = LoggerFactory.getLogger(RunningDaemon.class);

  private final Vertx vertx;
  private final DaemonVerticle daemon;
  private final String deployment;
  private final Simulator simulator;

  private RunningDaemon(Vertx vertx, DaemonVerticle daemon, String deployment, Simulator simulator) {
    this.vertx = vertx;
    this.daemon = daemon;
    this.deployment = deployment;
    this.simulator = simulator;
  }

  /** Blocks until the daemon is up; a failure (bad configuration, a port in use) leaves nothing running. */
  static RunningDaemon start(Vertx vertx, AppConfig config, PrometheusMeterRegistry registry) {
    // Refused before anything starts, simulator included.
    config.requireStatusSource();
    Simulator simulator = null;
    if (config.provider().name().equals("simulator")) {
      simulator = await(Simulator.start(vertx, config.provider().simulator()));
      log.info("in-process simulator started baseUrl={}", simulator.baseUrl());
    }
    DaemonVerticle daemon = new DaemonVerticle(config, registry, Clock.systemUTC(), simulator == null ? null : simulator.baseUrl());
    try {
      return new RunningDaemon(vertx, daemon, await(vertx.deployVerticle(daemon)), simulator);
    } catch (RuntimeException e) {
      if (simulator != null) {
        simulator.close();
      }
      throw e;
    }
  }

  /** The port the HTTP API actually listens on. */
  int httpPort() {
    return daemon.httpPort();
  }

  Future<Void> stop() {
    return vertx.undeploy(deployment).eventually(() -> simulator == null ? Future.succeededFuture() : simulator.close());
  }
}
