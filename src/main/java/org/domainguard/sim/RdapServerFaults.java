package org.domainguard.sim;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.domainguard.config.AppConfig;
import org.domainguard.config.AppConfig.SimulatedServerFaults;
import org.domainguard.config.ConfigException;
import org.domainguard.config.Durations;

/**
 * The current fault knobs of every simulated RDAP server: from the configuration at start, changed
 * by {@code PUT /_sim/rdap/servers/{server}}, back to the configuration on
 * {@code DELETE /_sim/rdap/servers}. Each server draws its random faults from a generator of its
 * own. Confined to the server's event loop.
 */
final class RdapServerFaults {
  private final AppConfig.Simulator settings;
  private final int count;
  private final List<SimulatedServerFaults> knobs = new ArrayList<>();
  private final List<RandomFaults> draws = new ArrayList<>();

  RdapServerFaults(AppConfig.Simulator settings, int count) {
    this.settings = settings;
    this.count = count;
    reset();
  }

  void reset() {
    knobs.clear();
    draws.clear();
    for (int i = 0; i < count; i++) {
      set(i, settings.rdap().faults().getOrDefault(RdapServers.name(i), settings.faults()));
    }
  }

  SimulatedServerFaults knobs(int server) {
    return knobs.get(server);
  }

  Fault draw(int server) {
    return draws.get(server).draw();
  }

  private void set(int server, SimulatedServerFaults f) {
    RandomFaults random = new RandomFaults(settings.seed() * 31 + server, f);
    if (server < knobs.size()) {
      knobs.set(server, f);
      draws.set(server, random);
    } else {
      knobs.add(f);
      draws.add(random);
    }
  }

  /**
   * Changes the knobs {@code body} names (the configuration's names: latency, error-rate,
   * rate-limit-rate, timeout-rate, malformed-rate, retry-after-seconds), keeping the others.
   *
   * @throws IllegalArgumentException naming what is wrong with the body
   */
  void update(int server, JsonObject body) {
    SimulatedServerFaults f = knobs.get(server);
    for (String key : body.fieldNames()) {
      Object v = body.getValue(key);
      f = switch (key) {
        case "latency" -> new SimulatedServerFaults(latency(v), f.errorRate(), f.rateLimitRate(), f.timeoutRate(), f.malformedRate(), f.retryAfterSeconds());
        case "error-rate" -> new SimulatedServerFaults(f.latency(), rate(key, v), f.rateLimitRate(), f.timeoutRate(), f.malformedRate(), f.retryAfterSeconds());
        case "rate-limit-rate" -> new SimulatedServerFaults(f.latency(), f.errorRate(), rate(key, v), f.timeoutRate(), f.malformedRate(), f.retryAfterSeconds());
        case "timeout-rate" -> new SimulatedServerFaults(f.latency(), f.errorRate(), f.rateLimitRate(), rate(key, v), f.malformedRate(), f.retryAfterSeconds());
        case "malformed-rate" -> new SimulatedServerFaults(f.latency(), f.errorRate(), f.rateLimitRate(), f.timeoutRate(), rate(key, v), f.retryAfterSeconds());
        case "retry-after-seconds" -> {
          if (!(v instanceof Integer seconds) || seconds < 0 || seconds > 3600) {
            throw new IllegalArgumentException("'retry-after-seconds' must be a whole number from 0 to 3600");
          }
          yield new SimulatedServerFaults(f.latency(), f.errorRate(), f.rateLimitRate(), f.timeoutRate(), f.malformedRate(), seconds);
        }
        default -> throw new IllegalArgumentException("unknown knob '" + key
            + "' (latency, error-rate, rate-limit-rate, timeout-rate, malformed-rate, retry-after-seconds)");
      };
    }
    if (f.errorRate() + f.rateLimitRate() + f.timeoutRate() + f.malformedRate() > 1 + 1e-9) {
      throw new IllegalArgumentException("the fault rates add up to more than 1");
    }
    set(server, f);
  }

  private static java.time.Duration latency(Object v) {
    if (v instanceof Integer ms && ms >= 0) {
      return java.time.Duration.ofMillis(ms);
    }
    if (v instanceof String text) {
      try {
        return Durations.parse("latency", text);
      } catch (ConfigException e) {
        throw new IllegalArgumentException("'latency' must be milliseconds or a duration such as 250ms or 2s");
      }
    }
    throw new IllegalArgumentException("'latency' must be milliseconds or a duration such as 250ms or 2s");
  }

  private static double rate(String key, Object v) {
    if (v instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 1) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException("'" + key + "' must be a fraction from 0 to 1");
  }

  /** The current knobs of server {@code server}, named as in the configuration. */
  JsonObject toJson(int server) {
    SimulatedServerFaults f = knobs.get(server);
    return new JsonObject()
        .put("latency", f.latency().isZero() ? "0ms" : Durations.format(f.latency()))
        .put("error-rate", f.errorRate())
        .put("rate-limit-rate", f.rateLimitRate())
        .put("timeout-rate", f.timeoutRate())
        .put("malformed-rate", f.malformedRate())
        .put("retry-after-seconds", f.retryAfterSeconds());
  }
}
