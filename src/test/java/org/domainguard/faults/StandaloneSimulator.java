package org.domainguard.faults;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The status simulator in a process of its own ({@code java -jar domain-guard.jar simulate}), the
 * one provider several daemons share: it counts every arrival, so what the whole fleet sent can be
 * read in one place.
 */
final class StandaloneSimulator implements AutoCloseable {
  private final Process process;
  final int port;

  private StandaloneSimulator(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static StandaloneSimulator start(Path dir, int port, Duration latency) {
    Path jar = FaultScenario.BASEDIR.resolve("target/domain-guard.jar");
    Path config = dir.resolve("simulator.yaml");
    try {
      Files.writeString(config, """
          provider:
            simulator:
              latency: %dms
              seed: 42
          """.formatted(latency.toMillis()));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-jar", jar.toString(), "simulate", "--config", config.toString(),
          "--port", String.valueOf(port));
      pb.environment().keySet().removeIf(k -> k.startsWith("DOMAINGUARD_"));
      pb.redirectOutput(dir.resolve("simulator.stdout.log").toFile());
      pb.redirectError(dir.resolve("simulator.stderr.log").toFile());
      StandaloneSimulator sim = new StandaloneSimulator(pb.start(), port);
      Waits.until("the simulator listening", Duration.ofSeconds(30), Duration.ofMillis(100),
          () -> DaemonProcess.get(port, "/_sim/stats").status(), s -> s == 200, null);
      return sim;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot launch the simulator", e);
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  JsonObject stats() {
    DaemonProcess.Answer a = DaemonProcess.get(port, "/_sim/stats");
    if (a.status() != 200) {
      throw new AssertionError("the simulator's statistics did not answer: " + a);
    }
    return new JsonObject(a.body());
  }

  /** Requests in the busiest one-second window so far, wherever it starts. */
  long maxInAnySecond() {
    return stats().getLong("maxInAnySecond");
  }

  long requests() {
    return stats().getLong("requests");
  }

  /** Requests per calendar second over the last two minutes, oldest first. */
  long[] perSecond() {
    JsonArray a = stats().getJsonArray("perSecond");
    long[] counts = new long[a.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = a.getLong(i);
    }
    return counts;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
