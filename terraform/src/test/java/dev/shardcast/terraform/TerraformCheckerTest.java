package dev.shardcast.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.terraform.Finding.Rule;
import dev.shardcast.terraform.HclFolders.Parsed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checker itself: copies of terraform/, each broken in exactly one place, must each fail with
 * the rule and message that place deserves (and an unbroken copy must pass: the control).
 */
class TerraformCheckerTest {

  /** Replace the one occurrence of {@code from} in {@code file} by {@code to}; expect {@code rule}
   *  with a message containing {@code expect}. An empty {@code from} appends {@code to}. */
  record Case(String name, String file, String from, String to, Rule rule, String expect) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Case> CASES = List.of(
      new Case("syntax-error", "modules/bucket/main.tf", "resource \"aws_s3_bucket\" \"this\" {", "resource \"aws_s3_bucket\" \"this\" {{", Rule.SYNTAX, ""),
      new Case("provider-unpinned", "versions.tf", "version = \"5.100.0\"", "version = \"~> 5.100\"", Rule.PROVIDER, "not pinned to an exact version"),
      new Case("variable-undescribed", "variables.tf", "  description = \"Prefix of every resource name", "  # \"Prefix of every resource name", Rule.VARIABLE, "no description"),
      new Case("variable-unused", "variables.tf", "", "\nvariable \"spare\" {\n  type        = string\n  description = \"not used\"\n  default     = \"x\"\n  validation {\n    condition     = var.spare != \"\"\n    error_message = \"spare: not empty.\"\n  }\n}\n", Rule.VARIABLE, "declared but never used"),
      new Case("variable-unvalidated", "variables_training.tf", "  validation {\n    condition     = length(var.tags) <= 40\n", "  xvalidation {\n    condition     = length(var.tags) <= 40\n", Rule.VARIABLE, "no validation block"),
      new Case("undeclared-variable", "modules/flink_emr/iam.tf", "resources = [var.kms_key_arn]", "resources = [var.kms_key]", Rule.REFERENCE, "undeclared variable var.kms_key"),
      new Case("undeclared-resource", "modules/flink_emr/iam.tf", "role   = aws_iam_role.nodes.id", "role   = aws_iam_role.node.id", Rule.REFERENCE, "undeclared resource aws_iam_role.node"),
      // Inside jsonencode(...): the container properties are one expression, still traversed.
      new Case("undeclared-in-jsonencode", "modules/training_batch/main.tf", "jobRoleArn       = aws_iam_role.job.arn", "jobRoleArn       = aws_iam_role.jobs.arn", Rule.REFERENCE, "undeclared resource aws_iam_role.jobs"),
      new Case("undeclared-local", "modules/storage/main.tf", "-raw-${local.suffix}", "-raw-${local.sufix}", Rule.REFERENCE, "undeclared local.sufix"),
      new Case("missing-module-output", "outputs.tf", "module.flink.job_jar_uri", "module.flink.jar_uri", Rule.REFERENCE, "has no output jar_uri"),
      new Case("each-without-for_each", "modules/pipeline/main.tf", "  for_each  = toset(var.alert_emails)\n", "", Rule.REFERENCE, "each.value outside a block with for_each"),
      new Case("module-unknown-argument", "main.tf", "  force_destroy             = var.force_destroy_buckets", "  force_destroyed           = var.force_destroy_buckets", Rule.MODULE, "unsupported argument force_destroyed"),
      new Case("module-missing-argument", "main.tf", "  models_bucket         = module.storage.models_bucket\n", "", Rule.MODULE, "missing required argument models_bucket"),
      new Case("bucket-not-kms", "modules/bucket/main.tf", "sse_algorithm     = \"aws:kms\"", "sse_algorithm     = \"AES256\"", Rule.BUCKET, "not encrypted with SSE-KMS"),
      new Case("bucket-public", "modules/bucket/main.tf", "restrict_public_buckets = true", "restrict_public_buckets = false", Rule.BUCKET, "public access not fully blocked"),
      new Case("bucket-allows-plain-http", "modules/bucket/main.tf", "values   = [\"false\"]", "values   = [\"true\"]", Rule.BUCKET, "denying requests without TLS"),
      new Case("iam-star-on-star", "modules/training_batch/iam.tf", "actions   = [\"ecr:GetAuthorizationToken\"]", "actions   = [\"*\"]", Rule.IAM, "Allow of every action: *"),
      new Case("iam-s3-star", "modules/flink_emr/iam.tf", "actions   = [\"s3:ListBucket\"]", "actions   = [\"s3:*\"]", Rule.IAM, "every action of a service: s3:*"),
      new Case("iam-wildcard-on-star", "modules/pipeline/iam.tf", "actions   = [\"batch:DescribeJobs\"]", "actions   = [\"batch:Describe*\"]", Rule.IAM, "wildcard action batch:Describe* on resource *"),
      new Case("iam-inline-json", "modules/pipeline/iam.tf", "  policy = data.aws_iam_policy_document.scheduler.json", "  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"*\", Resource = \"*\" }] })", Rule.IAM, "not a reference to a declared data.aws_iam_policy_document"),
      new Case("iam-broad-managed-policy", "modules/training_batch/iam.tf", "service-role/AmazonEC2ContainerServiceforEC2Role\"", "AmazonS3FullAccess\"", Rule.IAM, "broad AWS managed policy"),
      new Case("cron-bad-hour", "variables.tf", "default     = \"cron(0 3 * * ? *)\"", "default     = \"cron(0 25 * * ? *)\"", Rule.CRON, "hours: '25'"),
      new Case("cron-both-days", "terraform.tfvars.example", "\"cron(30 2 ? * MON-FRI *)\"", "\"cron(30 2 1 * MON-FRI *)\"", Rule.CRON, "exactly one of day-of-month and day-of-week"));

  @TempDir static Path tmp;
  static final Map<String, List<Finding>> FINDINGS = new LinkedHashMap<>();

  @BeforeAll
  static void breakCopies() throws IOException {
    Path source = HclFolders.moduleDir();
    Map<String, Path> roots = new LinkedHashMap<>();
    roots.put("intact", copy(source, tmp.resolve("intact")));
    for (Case c : CASES) {
      Path root = copy(source, tmp.resolve(c.name()));
      Path file = root.resolve(c.file());
      String text = Files.readString(file);
      if (c.from().isEmpty()) {
        text = text + c.to();
      } else {
        int at = text.indexOf(c.from());
        assertTrue(at >= 0 && text.indexOf(c.from(), at + 1) < 0, c + ": '" + c.from() + "' must occur exactly once in " + c.file());
        text = text.substring(0, at) + c.to() + text.substring(at + c.from().length());
      }
      Files.writeString(file, text);
      roots.put(c.name(), root);
    }
    Map<Path, Parsed> parsed = HclFolders.parse(new ArrayList<>(roots.values()));
    roots.forEach((name, root) -> FINDINGS.put(name, TerraformChecker.check(parsed.get(root))));
  }

  /** The .tf files, the tfvars example and the module folders; not node_modules, src or target. */
  private static Path copy(Path from, Path to) throws IOException {
    Set<String> skip = Set.of("node_modules", "src", "target", ".terraform", "docker");
    try (Stream<Path> all = Files.walk(from)) {
      all.filter(p -> from.relativize(p).toString().isEmpty() || !skip.contains(from.relativize(p).getName(0).toString()))
          .forEach(p -> {
            try {
              Path dest = to.resolve(from.relativize(p).toString());
              if (Files.isDirectory(p)) Files.createDirectories(dest); else Files.copy(p, dest);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
    return to;
  }

  @Test
  void syntaxErrorNamesFileAndLine() {
    Finding f = FINDINGS.get("syntax-error").get(0);
    assertTrue(f.message().contains("main.tf:13"), f.toString());
  }

  @Test
  void intactCopyPasses() {
    assertEquals(List.of(), FINDINGS.get("intact"));
  }

  static List<Case> cases() {
    return CASES;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void brokenCopyFails(Case c) {
    List<Finding> found = FINDINGS.get(c.name());
    String all = found.stream().map(Finding::toString).collect(Collectors.joining("\n"));
    assertTrue(found.stream().anyMatch(f -> f.rule() == c.rule() && (f.message().contains(c.expect()) || f.where().contains(c.expect()))
            && f.where().startsWith(c.file())),
        c + " should fail with " + c.rule() + " '" + c.expect() + "' at " + c.file() + "; found:\n" + all);
  }
}
