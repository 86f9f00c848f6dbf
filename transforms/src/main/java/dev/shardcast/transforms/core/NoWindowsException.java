package dev.shardcast.transforms.core;

/**
 * Prepare produced no train or no val windows: there is nothing to train on or nothing to stop
 * training with, so no manifest is published and the job fails. The message names the cause
 * ({@link NoWindowsDiagnosis}). Non-recoverable for a Flink cluster: a restart would find no windows either.
 */
@org.apache.flink.runtime.throwable.ThrowableAnnotation(org.apache.flink.runtime.throwable.ThrowableType.NonRecoverableError)
public final class NoWindowsException extends RuntimeException {
  /** The process exit code: distinct from crashes (1), config errors (2) and a failed quality gate (3). */
  public static final int EXIT_CODE = 4;

  public NoWindowsException(String message) {
    super(message);
  }
}
