package org.domainguard.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Loads the configuration in layers: the YAML file, then the {@code DOMAINGUARD_*} environment variables. */
public final class ConfigLoader {
  /** Environment variable → configuration key. */
  public static final Map<String, String> ENVIRONMENT = environmentKeys();

  private ConfigLoader() {}

  private static Map<String, String> environmentKeys() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("DOMAINGUARD_DB_URL", "db.url");
    m.put("DOMAINGUARD_DB_SCHEMA", "db.schema");
    m.put("DOMAINGUARD_PROVIDER", "provider.name");
    m.put("DOMAINGUARD_FASTLY_BASE_URL", "provider.fastly.base-url");
    m.put("DOMAINGUARD_FASTLY_API_KEY", "provider.fastly.api-key");
    m.put("DOMAINGUARD_DOMAINR_BASE_URL", "provider.domainr.base-url");
    m.put("DOMAINGUARD_DOMAINR_CLIENT_ID", "provider.domainr.client-id");
    m.put("DOMAINGUARD_RATE_PER_SECOND", "provider.rate-per-second");
    m.put("DOMAINGUARD_RATE_BURST", "provider.burst");
    m.put("DOMAINGUARD_MAX_IN_FLIGHT", "provider.max-in-flight");
    m.put("DOMAINGUARD_HTTP_PORT", "http.port");
    m.put("DOMAINGUARD_ADMIN_TOKEN", "http.admin.token");
    m.put("DOMAINGUARD_RDAP_BOOTSTRAP_URL", "provider.rdap.bootstrap-url");
    m.put("DOMAINGUARD_RDAP_SERVERS", "provider.rdap.servers");
    m.put("DOMAINGUARD_RDAP_RATE_PER_SERVER", "provider.rdap.rate-per-server");
    m.put("DOMAINGUARD_RDAP_BURST_PER_SERVER", "provider.rdap.burst-per-server");
    m.put("DOMAINGUARD_PSL_URL", "discovery.public-suffix-list");
    m.put("DOMAINGUARD_WEBHOOK_URL", "webhook.url");
    m.put("DOMAINGUARD_WEBHOOK_SECRET", "webhook.secret");
    return Map.copyOf(m);
  }

  /**
   * Reads {@code file} (which must exist when {@code required}) and overlays the environment.
   * Fails with {@link ConfigException} naming the offending key.
   */
  public static Future<AppConfig> load(Vertx vertx, Path file, boolean required, Map<String, String> env) {
    return load(vertx, file, required, new JsonObject(), env);
  }

  /**
   * Like {@link #load(Vertx, Path, boolean, Map)} with {@code overrides} applied over the file but
   * under the environment: a command's own defaults (the demo's rate, say) that operators can still override.
   */
  public static Future<AppConfig> load(Vertx vertx, Path file, boolean required, JsonObject overrides, Map<String, String> env) {
    if (required && !Files.isRegularFile(file)) {
      return Future.failedFuture(new ConfigException("--config", "file not found: " + file));
    }
    return setsAnything(vertx, file).compose(withFile -> {
      ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(-1).setIncludeDefaultStores(false);
      if (withFile) {
        options.addStore(new ConfigStoreOptions()
            .setType("file")
            .setFormat("yaml")
            .setConfig(new JsonObject().put("path", file.toString())));
      }
      options.addStore(new ConfigStoreOptions().setType("json").setConfig(overrides));
      options.addStore(new ConfigStoreOptions().setType("json").setConfig(fromEnvironment(env)));
      ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
      return retriever.getConfig()
          .recover(e -> Future.failedFuture(new ConfigException(file.toString(), "cannot be read as YAML" + where(e))))
          .map(AppConfig::from)
          .eventually(retriever::close);
    });
  }

  /** Whether the file exists and has more than comments and blank lines: a file that sets nothing means the defaults. */
  private static Future<Boolean> setsAnything(Vertx vertx, Path file) {
    if (!Files.isRegularFile(file)) {
      return Future.succeededFuture(false);
    }
    return vertx.fileSystem().readFile(file.toString())
        .map(content -> content.toString().lines().map(String::strip).anyMatch(line -> !line.isEmpty() && !line.startsWith("#")));
  }

  /** The line and column of a YAML error; the parser's message quotes the offending line, which may hold a secret. */
  private static String where(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("line (\\d+), column (\\d+)").matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        return " (error near line " + m.group(1) + ", column " + m.group(2) + ")";
      }
    }
    return "";
  }

  static JsonObject fromEnvironment(Map<String, String> env) {
    JsonObject tree = new JsonObject();
    ENVIRONMENT.forEach((variable, key) -> {
      String value = env.get(variable);
      if (value != null) {
        put(tree, key, value);
      }
    });
    return tree;
  }

  private static void put(JsonObject tree, String key, String value) {
    String[] parts = key.split("\\.");
    JsonObject node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject child = node.getJsonObject(parts[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = child;
    }
    node.put(parts[parts.length - 1], value);
  }
}
