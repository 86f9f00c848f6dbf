package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14 point 6: a fake secret planted in every place a user could put one never comes out: not
 * in the console (logs, the printed config, the summary, error messages), not in any file of the
 * output (job.resolved.yaml, manifest.json, quality reports, run.jsonl, metrics, quarantine). Each
 * secret is unique, so a failure names the place that leaked.
 *
 * <p>Places: a presigned URL's query string (X-Amz-Signature, X-Amz-Credential with an access key
 * id) in input.path; a signature parameter in a reference table's path; the AWS SDK's credential
 * system properties (what AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN set); and,
 * refused at load, a password in s3.endpoint, key and token keys under s3:, and a --set value.
 */
class SecretsRedactionTest {
  private static final String SIG = "plantedSig0001";
  private static final String KEY_ID = "AKIAPLANTEDKEY000001";
  private static final String REF_SIG = "plantedSig0002";
  private static final String SDK_SECRET = "plantedSdkSecret0003";
  private static final String SDK_TOKEN = "plantedSdkToken0004";
  private static final String PASSWORD = "plantedPassword0005";
  private static final String SET_SECRET = "plantedSetSecret0006";
  private static final List<String> ALL = List.of(SIG, KEY_ID, REF_SIG, SDK_SECRET, SDK_TOKEN, PASSWORD, SET_SECRET);

  @Test
  void aRunPrintsAndStoresNoSecret(@TempDir Path tmp) throws Exception {
    // Local files whose names carry the query strings: the job reads them, and prints and stores their paths.
    // A '?' in input.path is a glob wildcard too: the pattern matches the file's own name.
    Path in = Files.createDirectories(tmp.resolve("in"));
    Path csv = Files.copy(ItSupport.demoCsv(),
        in.resolve("tx.csv?X-Amz-Credential=" + KEY_ID + "&X-Amz-Signature=" + SIG));
    Path ref = Files.copy(ItSupport.repoRoot().resolve("examples/txhousing/cities.csv"),
        in.resolve("cities.csv?sig=" + REF_SIG));
    Path out = tmp.resolve("out");
    String[] props = {"aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken"};
    String[] values = {KEY_ID, SDK_SECRET, SDK_TOKEN};
    CliRun run;
    try {
      for (int i = 0; i < props.length; i++) {
        System.setProperty(props[i], values[i]);
      }
      run = CliRun.redacted(Duration.ofMinutes(5), "run", ItSupport.demoJob().toString(), "--sample", "2",
          "--set", "input.path=" + csv, "--set", "quality.columns.series_id.reference.path=" + ref,
          "--set", "shards.output=" + out, "--set", "train.epochs=1", "--set", "train.model.type=linear");
    } finally {
      for (String p : props) {
        System.clearProperty(p);
      }
    }
    assertEquals(0, run.code(), run.all());
    assertNoSecret("the console", run.out() + run.err());
    List<String> files = ItSupport.allFiles(out);
    for (String f : List.of("job.resolved.yaml", "manifest.json", "quality-report.json", "quality-report.html", "model/run.jsonl",
        "model/best/manifest.json", "quarantine/rows.jsonl")) {
      assertTrue(files.contains(f), f + " written: " + files);
    }
    List<String> leaks = new ArrayList<>();
    for (String f : files) {
      String text = new String(Files.readAllBytes(out.resolve(f)), StandardCharsets.ISO_8859_1);
      ALL.stream().filter(text::contains).forEach(s -> leaks.add(f + ": " + s));
    }
    assertEquals(List.of(), leaks, "files that hold a planted secret");
    // The paths were printed and stored, masked: the checks above had something to find.
    String masked = "X-Amz-Credential=***&X-Amz-Signature=***";
    assertTrue(run.err().contains(masked), run.all());
    assertTrue(Files.readString(out.resolve("job.resolved.yaml")).contains(masked));
    assertTrue(Files.readString(out.resolve("manifest.json")).contains(masked));
    assertTrue(Files.readString(out.resolve("model/run.jsonl")).contains("cities.csv?sig=***"));
    // predict re-applies the training rules, whose reference table the manifest stores masked: with
    // the same job (the real path) it reads the table and forecasts, printing no secret either.
    Path forecasts = tmp.resolve("forecasts.csv");
    CliRun predict = CliRun.redacted(Duration.ofMinutes(2), "predict", ItSupport.demoJob().toString(),
        "--set", "input.path=" + csv, "--set", "quality.columns.series_id.reference.path=" + ref,
        "--set", "shards.output=" + out, "--output", forecasts.toString());
    assertEquals(0, predict.code(), predict.all());
    assertTrue(Files.readAllLines(forecasts).size() > 1, "forecast rows");
    assertNoSecret("predict's console", predict.out() + predict.err());
  }

  @Test
  void secretsInTheConfigAreRefusedWithoutBeingRepeated(@TempDir Path tmp) {
    List<List<String>> cases = List.of(
        List.of("s3.endpoint=http://admin:" + PASSWORD + "@127.0.0.1:9000",
            "error: config key 's3.endpoint' (http://***@127.0.0.1:9000) holds credentials"),
        List.of("s3.secret_access_key=" + SET_SECRET, "error: unknown config key 's3.secret_access_key'"),
        List.of("s3.session_token=" + SET_SECRET, "error: unknown config key 's3.session_token'"),
        List.of("s3.region=[" + SET_SECRET, "error: override of key 's3.region' has a value that is not valid YAML"),
        List.of("input.path=/nope/tx.csv?X-Amz-Signature=" + SIG,
            "error: config key 'input.path': no file matches /nope/tx.csv?X-Amz-Signature=*** (no folder /nope)"));
    for (List<String> c : cases) {
      CliRun run = CliRun.redacted(Duration.ofSeconds(30), "prepare", ItSupport.demoJob().toString(),
          "--set", "shards.output=" + tmp.resolve("out"), "--set", c.get(0));
      assertEquals(2, run.code(), run.all());
      assertTrue(run.err().startsWith(c.get(1)), c.get(1) + "\n" + run.all());
      assertNoSecret(c.get(0), run.out() + run.err());
    }
    assertFalse(Files.exists(tmp.resolve("out")));
  }

  private static void assertNoSecret(String where, String text) {
    List<String> leaked = new ArrayList<>();
    for (String s : ALL) {
      if (text.contains(s)) {
        leaked.add(s);
      }
    }
    assertTrue(leaked.isEmpty(), where + " leaks " + leaked + ":\n" + text);
  }
}
