package org.domainguard.config;

/** Invalid configuration: the message names the key and the problem, and never carries a secret. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String key, String problem) {
    super(key + ": " + problem);
  }
}
