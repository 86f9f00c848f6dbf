package dev.shardcast.transforms.config;

import org.apache.flink.runtime.throwable.ThrowableAnnotation;
import org.apache.flink.runtime.throwable.ThrowableType;

/**
 * A job configuration that cannot run; the message names the key and what is allowed. Also raised
 * by readers inside the pipeline (an input that is not what the job says): non-recoverable for a
 * Flink cluster, whose restarts would only fail the same way again.
 */
@ThrowableAnnotation(ThrowableType.NonRecoverableError)
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
