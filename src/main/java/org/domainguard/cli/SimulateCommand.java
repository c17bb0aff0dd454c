package org.domainguard.cli;

import static org.domainguard.app.Blocking.await;

import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import org.domainguard.config.AppConfig;
import org.domainguard.sim.Simulator;

/** {@code simulate [--port N]}: the built-in status-API simulator alone, until SIGTERM. */
final class SimulateCommand {
  private final Map<String, String> env;
  private final PrintStream out;

  SimulateCommand(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  int run(CommandLine cmd) {
    cmd.allow(Set.of("--config", "--port"), 0, 0);
    Vertx vertx = Vertx.vertx();
    Simulator sim;
    try {
      AppConfig.Simulator s = Main.loadConfig(vertx, cmd, env).provider().simulator();
      int port = port(cmd.option("--port", String.valueOf(s.port() == 0 ? 8081 : s.port())));
      sim = await(Simulator.start(vertx, s.withPort(port)));
      out.println("simulator listening on " + sim.baseUrl() + " (Fastly and Domainr formats, RDAP under /rdap/srvN/ with its bootstrap at /_sim/rdap/dns.json; /_sim/stats)");
    } catch (RuntimeException e) {
      await(vertx.close());
      throw e;
    }
    return Main.serveUntilTerminated(vertx, sim::close);
  }

  private static int port(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new UsageException("--port must be a number from 0 to 65535, got '" + text + "'");
  }
}
