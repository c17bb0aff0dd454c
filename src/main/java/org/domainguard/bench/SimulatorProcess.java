package org.domainguard.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The status-API simulator in a JVM of its own ({@code java -cp <this jar> ... simulate}), so its
 * CPU and memory are not the benchmark's: no faults, a fixed latency, on 127.0.0.1 at a free port.
 * Its statistics are read with a streaming parser that skips {@code byDomain}, which holds one
 * entry per domain asked about and would otherwise cost the bench JVM more than the daemon does.
 */
final class SimulatorProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("simulator listening on (http://127\\.0\\.0\\.1:\\d+)");
  private static final JsonFactory JSON = new JsonFactory();

  private final Process process;
  private final String baseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Thread hook;

  private SimulatorProcess(Process process, String baseUrl, Thread hook) {
    this.process = process;
    this.baseUrl = baseUrl;
    this.hook = hook;
  }

  /** Starts the simulator and waits (bounded) until it says where it listens. */
  static SimulatorProcess start(Duration latency, Path workDir, int maxHeapMiB) throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    Path config = workDir.resolve("simulator.yaml");
    Files.writeString(config, """
        # Written by 'bench': the simulator with no faults and a fixed latency.
        provider:
          simulator:
            port: 0
            latency: %dms
            error-rate: 0
            rate-limit-rate: 0
            timeout-rate: 0
            malformed-rate: 0
        """.formatted(latency.toMillis()));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeapMiB + "m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), "org.domainguard.cli.Main",
        "simulate", "--config", config.toString(), "--port", "0"));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectError(workDir.resolve("simulator.log").toFile())
        .redirectInput(ProcessBuilder.Redirect.PIPE);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("DOMAINGUARD_") && !k.equals("DOMAINGUARD_LOG_LEVEL"));
    env.putIfAbsent("DOMAINGUARD_LOG_LEVEL", "WARN");
    Process process = builder.start();
    Thread hook = new Thread(() -> process.destroyForcibly(), "bench-simulator-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread reader = new Thread(() -> readStdout(process.getInputStream(), url), "bench-simulator-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      String baseUrl = url.get(60, TimeUnit.SECONDS);
      return new SimulatorProcess(process, baseUrl, hook);
    } catch (Exception e) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      Runtime.getRuntime().removeShutdownHook(hook);
      throw new IOException("the simulator process did not start (see " + workDir.resolve("simulator.log") + ")", e);
    }
  }

  private static void readStdout(InputStream in, CompletableFuture<String> url) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          url.complete(m.group(1));
        }
      }
      url.completeExceptionally(new IOException("the simulator exited"));
    } catch (IOException e) {
      url.completeExceptionally(e);
    }
  }

  String baseUrl() {
    return baseUrl;
  }

  long pid() {
    return process.pid();
  }

  /** {@code POST /_sim/reset}: zeroes the request counters. */
  void reset() throws IOException, InterruptedException {
    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/_sim/reset"))
        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() != 204) {
      throw new IOException("simulator reset answered " + r.statusCode());
    }
  }

  /** {@code GET /_sim/rdap/dns.json}: the RFC 9224 bootstrap of the simulator's RDAP servers. */
  io.vertx.core.json.JsonObject rdapBootstrap() throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + RdapProviderSettings.BOOTSTRAP_PATH))
        .GET().timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("simulator RDAP bootstrap answered " + r.statusCode());
    }
    return new io.vertx.core.json.JsonObject(r.body());
  }

  /** {@code GET /_sim/stats}: requests, the largest per-second count, and the per-second counts (oldest first). */
  SimStats stats() throws IOException, InterruptedException {
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/_sim/stats"))
        .GET().timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = r.body()) {
      if (r.statusCode() != 200) {
        throw new IOException("simulator stats answered " + r.statusCode());
      }
      return parseStats(body);
    }
  }

  /** Reads requests, maxPerSecond and perSecond, skipping everything else (byDomain) without building it. */
  static SimStats parseStats(InputStream body) throws IOException {
    long requests = -1;
    long max = -1;
    long maxInAnySecond = -1;
    List<Long> perSecond = new ArrayList<>();
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("simulator stats: expected a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "requests" -> requests = p.getLongValue();
          case "maxPerSecond" -> max = p.getLongValue();
          case "maxInAnySecond" -> maxInAnySecond = p.getLongValue();
          case "perSecond" -> {
            while (p.nextToken() != JsonToken.END_ARRAY) {
              perSecond.add(p.getLongValue());
            }
          }
          default -> {
            if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
              p.skipChildren();
            }
          }
        }
      }
    }
    if (requests < 0 || max < 0) {
      throw new IOException("simulator stats: missing requests or maxPerSecond");
    }
    return new SimStats(requests, max, maxInAnySecond, perSecond.stream().mapToLong(Long::longValue).toArray());
  }

  /** Stops the simulator and waits for it to exit. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // already shutting down: the hook runs anyway and finds the process gone
    }
  }

  /**
   * What the simulator counted since its last reset: the busiest calendar second and the busiest
   * one-second window wherever it starts.
   */
  record SimStats(long requests, long maxPerSecond, long maxInAnySecond, long[] perSecond) {}
}
