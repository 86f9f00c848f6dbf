package dev.shardcast.transforms.store;

import dev.shardcast.transforms.config.JobConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * How shardcast's S3 clients (its own and Beam's, see {@link S3Clients}) retry, and what a request
 * that failed for good says.
 *
 * <ul>
 *   <li>{@link #strategy}: the SDK's standard strategy (a network error, HTTP 5xx, throttling and
 *       clock skew are retried; 4xx answers are not), plus a response cut off mid-body, with the job's
 *       attempts and exponential backoff
 *       with half jitter. Its circuit breaker is off: it shares a budget of retries among all the
 *       requests of a client, so an outage met by Beam's many parallel uploads could drain it, and
 *       every later request would fail at its first error, whatever {@code max_attempts} says.
 *   <li>{@link Reporting}: logs each retry (operation, object, attempt, time since the first) and
 *       counts them ({@link #retries()}); turns the final failure into an {@link S3StorageException}
 *       naming the operation, the object and the attempts.
 * </ul>
 */
public final class S3Retries {
  private static final Logger LOG = LoggerFactory.getLogger(S3Retries.class);
  private static final AtomicLong RETRIES = new AtomicLong();

  private S3Retries() {}

  /** Retries sent by every S3 client of this JVM so far (a retry is any attempt after a request's first). */
  public static long retries() {
    return RETRIES.get();
  }

  static RetryStrategy strategy(JobConfig.Retry policy) {
    Duration base = Duration.ofMillis(policy.baseDelayMs());
    Duration max = Duration.ofMillis(Math.max(policy.maxDelayMs(), policy.baseDelayMs()));
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        // Beyond the SDK's conditions: a response cut off by a lost connection (the SDK reports "Could
        // not parse XML response" for a CompleteMultipartUpload whose body stopped short, and does
        // not retry it). Whatever would be reported as a storage failure is retried first.
        .retryOnException(S3Retries::isStorageFailure)
        .maxAttempts(policy.maxAttempts())
        .backoffStrategy(BackoffStrategy.exponentialDelayHalfJitter(base, max))
        .circuitBreakerEnabled(false)
        .build();
  }

  /** One per client (it knows the client's max attempts); the per-request state is in the execution attributes. */
  static final class Reporting implements ExecutionInterceptor {
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("shardcast.s3.started");
    private static final ExecutionAttribute<Integer> ATTEMPTS = new ExecutionAttribute<>("shardcast.s3.attempts");

    private final int maxAttempts;

    Reporting(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      attributes.putAttribute(STARTED, System.nanoTime());
      attributes.putAttribute(ATTEMPTS, 0);
    }

    /** Called once per attempt (the retry loop runs around the transmission, not around this interceptor's setup). */
    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      int attempt = attempts(attributes) + 1;
      attributes.putAttribute(ATTEMPTS, attempt);
      if (attempt > 1) {
        RETRIES.incrementAndGet();
        LOG.warn("S3 {} {}: attempt {} of {}, {} after the first (retrying with backoff)", operation(attributes),
            location(context.request()), attempt, maxAttempts, elapsed(attributes));
      }
    }

    @Override
    public Throwable modifyException(Context.FailedExecution context, ExecutionAttributes attributes) {
      Throwable e = context.exception();
      if (!isStorageFailure(e)) {
        return e; // a 4xx answer (missing key, refused credentials) is the caller's to explain
      }
      String location = location(context.request());
      int attempts = attempts(attributes);
      String message = "S3 " + operation(attributes) + " of " + location + " failed after " + attempts
          + (attempts == 1 ? " attempt" : " attempts") + " in " + elapsed(attributes) + " (s3.retry): "
          + Optional.ofNullable(e.getMessage()).orElse(e.toString());
      return new S3StorageException(message, location, attempts, e);
    }

    private static int attempts(ExecutionAttributes attributes) {
      Integer n = attributes.getAttribute(ATTEMPTS);
      return n == null ? 0 : n;
    }

    private static String operation(ExecutionAttributes attributes) {
      return Optional.ofNullable(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)).orElse("request");
    }

    private static String elapsed(ExecutionAttributes attributes) {
      Long started = attributes.getAttribute(STARTED);
      double s = started == null ? 0 : (System.nanoTime() - started) / 1e9;
      return String.format(Locale.ROOT, "%.1f s", s);
    }
  }

  /**
   * What a retry could not fix: the store unreachable (a network error), failing (5xx) or throttling.
   * Not an interrupted request (the job is being cancelled) and not a plain client-side error.
   */
  static boolean isStorageFailure(Throwable e) {
    if (e instanceof S3StorageException || e instanceof AbortedException) {
      return false;
    }
    if (e instanceof SdkServiceException s) {
      return s.statusCode() >= 500 || s.isThrottlingException();
    }
    if (e instanceof ApiCallAttemptTimeoutException) {
      return true;
    }
    if (e instanceof SdkClientException) {
      for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
        if (t instanceof IOException) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code s3://bucket/key} of a request: the object, else the listed prefix, else the bucket. */
  static String location(SdkRequest request) {
    if (request == null) {
      return "s3";
    }
    String bucket = field(request, "Bucket").or(() -> field(request, "DestinationBucket")).orElse(null);
    if (bucket == null) {
      return "s3";
    }
    String key = field(request, "Key").or(() -> field(request, "DestinationKey"))
        .or(() -> field(request, "Prefix")).orElse("");
    String where = "s3://" + bucket + "/" + key;
    Optional<Object> delete = request.getValueForField("Delete", Object.class);
    if (delete.isPresent() && delete.get() instanceof software.amazon.awssdk.services.s3.model.Delete d) {
      List<software.amazon.awssdk.services.s3.model.ObjectIdentifier> objects = d.objects();
      where += objects.isEmpty() ? "" : objects.get(0).key() + (objects.size() > 1 ? " and " + (objects.size() - 1)
          + " more" : "");
    }
    return where;
  }

  private static Optional<String> field(SdkRequest request, String name) {
    try {
      return request.getValueForField(name, String.class).filter(s -> !s.isEmpty());
    } catch (ClassCastException notAString) {
      return Optional.empty();
    }
  }
}
