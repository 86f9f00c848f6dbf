package dev.shardcast.transforms.config;

/** A job configuration that cannot run; the message names the key and what is allowed. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
