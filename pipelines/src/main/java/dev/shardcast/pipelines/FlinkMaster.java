package dev.shardcast.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardcast.transforms.config.ConfigException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code runner.flink_master}: {@code [local]} (an embedded mini cluster in this JVM), {@code [auto]}
 * (the cluster {@code flink run} submits to) or {@code host:port}, a standing cluster's REST endpoint
 * (the JobManager's {@code rest.port}, 8081 by default).
 */
record FlinkMaster(String text, String host, int port) {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkMaster.class);
  static final String LOCAL = "[local]";
  static final String AUTO = "[auto]";
  private static final String KEY = "runner.flink_master";
  private static final Pattern HOST_PORT = Pattern.compile("(?:https?://)?([^:/\\s]+):(\\d{1,5})/?");
  /** A cluster that does not answer within this is reported, not waited for. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  static FlinkMaster parse(String text) {
    if (LOCAL.equals(text) || AUTO.equals(text)) {
      return new FlinkMaster(text, null, -1);
    }
    Matcher m = HOST_PORT.matcher(text == null ? "" : text.trim());
    int port = m.matches() ? Integer.parseInt(m.group(2)) : -1;
    if (port < 1 || port > 65535) {
      throw new ConfigException("config key '" + KEY + "': '" + text + "' is not " + LOCAL + ", " + AUTO
          + " or host:port (the JobManager's REST address, e.g. flink-jm:8081)");
    }
    return new FlinkMaster(text, m.group(1), port);
  }

  /** A standing cluster this process submits to (not the embedded one, not flink run's). */
  boolean isRemote() {
    return host != null;
  }

  /** host:port as Beam's FlinkRunner takes it. */
  String address() {
    return host + ":" + port;
  }

  /**
   * Asks the cluster's REST API for its overview before anything is deleted or submitted: an
   * unreachable address, something that is no Flink, or a cluster with fewer task slots than the
   * job's parallelism (Flink would wait five minutes for slots, then fail) is a config error now.
   */
  void checkReachable(int parallelism) {
    String where = "config key '" + KEY + "': the Flink cluster at " + address();
    JsonNode overview;
    HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + address() + "/overview"))
          .timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new ConfigException(where + " answered HTTP " + r.statusCode() + " to GET /overview: is this the"
            + " JobManager's REST port (rest.port, 8081 by default)?");
      }
      overview = new ObjectMapper().readTree(r.body());
    } catch (HttpConnectTimeoutException e) {
      throw new ConfigException(where + " is not reachable: no connection within " + CONNECT_TIMEOUT.toSeconds() + " s");
    } catch (HttpTimeoutException e) {
      throw new ConfigException(where + " did not answer GET /overview within " + REQUEST_TIMEOUT.toSeconds() + " s");
    } catch (ConnectException e) {
      if (PrepareJob.find(e, java.nio.channels.UnresolvedAddressException.class) != null) {
        throw new ConfigException(where + " is not reachable: unknown host '" + host + "'");
      }
      throw new ConfigException(where + " is not reachable (connection refused): is the JobManager running,"
          + " and is " + port + " its REST port (rest.port, 8081 by default)?");
    } catch (IOException e) {
      throw new ConfigException(where + " is not reachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConfigException(where + ": interrupted while checking it");
    }
    if (!overview.has("flink-version")) {
      throw new ConfigException(where + " answered GET /overview, but not as a Flink JobManager does");
    }
    int slots = overview.path("slots-total").asInt(0);
    if (slots < parallelism) {
      throw new ConfigException(where + " has " + slots + " task slots (" + overview.path("taskmanagers").asInt(0)
          + " TaskManagers) and runner.parallelism is " + parallelism + ": start TaskManagers or lower runner.parallelism");
    }
    String version = overview.path("flink-version").asText();
    String ours = org.apache.flink.runtime.util.EnvironmentInformation.getVersion();
    if (!minor(version).equals(minor(ours))) {
      LOG.warn("the Flink cluster at {} runs Flink {}; this build's runner is for Flink {} (beam-runners-flink-{}):"
          + " the job may fail", address(), version, ours, minor(ours));
    }
    LOG.info("Flink cluster {}: Flink {}, {} TaskManagers, {} of {} task slots free", address(), version,
        overview.path("taskmanagers").asInt(), overview.path("slots-available").asInt(), slots);
  }

  private static String minor(String version) {
    String[] p = version.split("\\.");
    return p.length >= 2 ? p[0] + "." + p[1] : version;
  }
}
