package org.domainguard.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The packaged daemon ({@code java -jar target/domain-guard.jar run}) as a child process, its
 * stdout and stderr in files, with what a test needs to drive it: HTTP probes, metrics, SIGTERM and
 * SIGKILL. {@link #close()} always leaves no process behind.
 */
final class DaemonProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String label;
  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final int httpPort;
  private final int simulatorPort;

  private DaemonProcess(String label, Process process, Path stdout, Path stderr, int httpPort, int simulatorPort) {
    this.label = label;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.httpPort = httpPort;
    this.simulatorPort = simulatorPort;
  }

  /** Launches {@code run --config config} with the given DOMAINGUARD_* environment (inherited ones are dropped). */
  static DaemonProcess start(Path dir, String label, Path config, Map<String, String> env, int httpPort, int simulatorPort) {
    Path jar = FaultScenario.BASEDIR.resolve("target/domain-guard.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("build the jar first (mvn package): " + jar);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "run", "--config", config.toString());
    pb.directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("DOMAINGUARD_"));
    // Tests never reach the internet: the bundled Public Suffix List unless a test says otherwise.
    pb.environment().put("DOMAINGUARD_PSL_URL", "bundled");
    pb.environment().putAll(env);
    Path out = dir.resolve(label + ".stdout.log");
    Path err = dir.resolve(label + ".stderr.log");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    try {
      return new DaemonProcess(label, pb.start(), out, err, httpPort, simulatorPort);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot launch the daemon", e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** An HTTP answer; status -1 when nothing answered (refused, reset, timed out). */
  record Answer(int status, String body) {}

  Answer get(String path) {
    return get(httpPort, path);
  }

  static Answer get(int port, String path) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(3)).GET().build();
    return send(request);
  }

  /** POSTs a JSON body (the admin API of a test daemon needs no token: http.admin.insecure). */
  Answer post(String path, String json) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    return send(request);
  }

  /** The answer, or status -1 with what went wrong when there was none. */
  private static Answer send(HttpRequest request) {
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      return new Answer(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "interrupted");
    }
  }

  /** Waits until /health/ready answers 200; fails early if the process exits. */
  void awaitReady(Duration timeout) {
    Waits.until(label + " ready", timeout, Duration.ofMillis(200), () -> {
      if (!process.isAlive()) {
        throw new AssertionError(label + " exited with " + process.exitValue() + " before it was ready\n" + stderrTail(40));
      }
      return get("/health/ready").status();
    }, s -> s == 200, this);
  }

  /** The sum of every sample of a Prometheus counter or gauge (all label sets); NaN when /metrics does not answer. */
  double metric(String name) {
    Answer a = get("/metrics");
    if (a.status() != 200) {
      return Double.NaN;
    }
    double sum = 0;
    for (String line : a.body().split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        String[] parts = line.trim().split(" ");
        sum += Double.parseDouble(parts[parts.length - 1]);
      }
    }
    return sum;
  }

  /** Status requests the in-process simulator has received (its /_sim/stats), -1 if it does not answer. */
  long simulatorRequests() {
    Answer a = get(simulatorPort, "/_sim/stats");
    if (a.status() != 200) {
      return -1;
    }
    return new io.vertx.core.json.JsonObject(a.body()).getLong("requests");
  }

  /** SIGTERM (what {@link Process#destroy()} sends on Linux). */
  void terminate() {
    process.destroy();
  }

  /** SIGKILL, and waits for the process to be gone. */
  void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError(label + " survived SIGKILL for 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The exit code, or empty if it is still running after {@code timeout}. */
  OptionalInt awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.empty();
    }
  }

  String stderr() {
    try {
      return Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + stderr + ": " + e + ")";
    }
  }

  /** Log lines whose message contains {@code text}. */
  List<String> logLines(String text) {
    List<String> found = new ArrayList<>();
    stderr().lines().filter(l -> l.contains(text)).forEach(found::add);
    return found;
  }

  String stderrTail(int lines) {
    List<String> all = stderr().lines().toList();
    return "---- last lines of " + stderr + " ----\n"
        + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  Path stdoutFile() {
    return stdout;
  }

  /** SIGTERM, up to 25 s to exit, then SIGKILL. Never leaves the process behind. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(25, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
