package org.domainguard.cli;

import static org.domainguard.app.Blocking.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.domainguard.check.CheckResult;
import org.domainguard.check.DomainChecker;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.check.Providers;
import org.domainguard.check.RegistryRecord;
import org.domainguard.check.StatusProvider;
import org.domainguard.check.rdap.RdapProvider;
import org.domainguard.config.AppConfig;
import org.domainguard.discovery.AddressParser;
import org.domainguard.discovery.ParsedAddress;
import org.domainguard.fleet.LimitShares;
import org.domainguard.metrics.Metrics;
import org.domainguard.sim.Simulator;

/** {@code check DOMAIN}: one check through the configured provider, printed. Touches no database. */
final class CheckCommand {
  private final Map<String, String> env;
  private final PrintStream out;

  CheckCommand(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  int run(CommandLine cmd) {
    cmd.allow(Set.of("--config"), 1, 1);
    ParsedAddress parsed = new AddressParser().parse("check@" + cmd.arguments().get(0));
    if (!parsed.isWatched()) {
      throw new UsageException("not a checkable domain: " + parsed.skipReason());
    }
    Vertx vertx = Vertx.vertx();
    try {
      AppConfig config = Main.loadConfig(vertx, cmd, env);
      config.requireProviderChosen();
      AppConfig.Provider p = config.provider();
      Simulator sim = p.name().equals("simulator") ? await(Simulator.start(vertx, p.simulator())) : null;
      Clock clock = Clock.systemUTC();
      Metrics metrics = new Metrics(new SimpleMeterRegistry());
      StatusProvider provider = Providers.create(vertx, config, sim == null ? null : sim.baseUrl(), clock, metrics, LimitShares.ALONE);
      if (provider instanceof RdapProvider rdap) {
        // One lookup: worth the wait for the live bootstrap (the bundled one serves if it fails).
        await(rdap.servers().ready());
      }
      DomainChecker checker = DomainChecker.forProvider(vertx, provider, config, metrics, clock, LimitShares.ALONE);
      CheckResult result = await(checker.check(parsed.domain()));
      print(result);
      return result.answer() instanceof ProviderAnswer.Failure ? Main.RUNTIME_FAILURE : Main.OK;
    } finally {
      await(vertx.close());
    }
  }

  private void print(CheckResult r) {
    out.println("domain:   " + r.domain());
    out.println("provider: " + r.provider());
    out.println("outcome:  " + r.outcome().label() + " (" + r.attempts() + " attempt" + (r.attempts() == 1 ? "" : "s") + ")");
    if (r.answer() instanceof ProviderAnswer.Statuses s) {
      out.println("statuses: " + s.raw());
      out.println("phase:    " + r.classified());
      if (s.registry() != null) {
        printRegistry(s.registry());
      }
    } else if (r.answer() instanceof ProviderAnswer.Failure f) {
      out.println("failure:  " + f.detail());
    }
  }

  /** The registry's evidence (RDAP): which server answered and how, and the dates and notices it gave. */
  private void printRegistry(RegistryRecord rec) {
    out.println("server:   " + (rec.server() == null ? "none" : rec.server()));
    out.println("http:     " + (rec.httpStatus() == 0 ? "no call" : String.valueOf(rec.httpStatus())));
    out.println("registered:    " + orDash(rec.registeredAt()));
    out.println("expires:       " + orDash(rec.expiresAt()));
    out.println("transferred:   " + orDash(rec.transferredAt()));
    out.println("last changed:  " + orDash(rec.lastChangedAt()));
    if (rec.notices().isEmpty()) {
      out.println("notices:  -");
    }
    for (String notice : rec.notices()) {
      out.println("notice:   " + notice);
    }
  }

  private static String orDash(Object value) {
    return value == null ? "-" : value.toString();
  }
}
