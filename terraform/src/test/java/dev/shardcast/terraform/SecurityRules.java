package dev.shardcast.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.terraform.Finding.Rule;
import dev.shardcast.terraform.Modules.Block;
import dev.shardcast.terraform.Modules.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Buckets encrypted and private; IAM without wildcards. Policies must be aws_iam_policy_document
 * data sources: their statements are HCL blocks with literal actions and resources, which can be
 * read here, where a jsonencode()d or heredoc policy could hide anything behind an expression.
 */
final class SecurityRules {
  /** Resource types and the attributes that hold an IAM policy document. */
  private static final Map<String, List<String>> POLICY_ATTRS = Map.of(
      "aws_iam_role", List.of("assume_role_policy"),
      "aws_iam_role_policy", List.of("policy"),
      "aws_iam_policy", List.of("policy"),
      "aws_iam_user_policy", List.of("policy"),
      "aws_iam_group_policy", List.of("policy"),
      "aws_s3_bucket_policy", List.of("policy"),
      "aws_sns_topic_policy", List.of("policy"),
      "aws_sqs_queue_policy", List.of("policy"),
      "aws_kms_key", List.of("policy"),
      "aws_ecr_repository_policy", List.of("policy"));
  private static final Pattern DOC_REF = Pattern.compile("^\\$\\{data\\.aws_iam_policy_document\\.([A-Za-z0-9_-]+)\\.json}$");
  private static final Pattern BROAD_MANAGED = Pattern.compile(".*/(AdministratorAccess|PowerUserAccess|IAMFullAccess|[A-Za-z0-9]*FullAccess)$");

  private SecurityRules() {}

  /** Each aws_s3_bucket has SSE-KMS, all four public-access blocks on, and a TLS-only policy. */
  static void buckets(Module m, List<Finding> out) {
    m.resourcesOfType("aws_s3_bucket").forEach((name, bucket) -> {
      String where = bucket.file() + " aws_s3_bucket." + name;
      if (bucket.body().has("acl")) out.add(new Finding(Rule.BUCKET, where, "uses an ACL (ownership is BucketOwnerEnforced: ACLs off)"));
      if (!about(m, "aws_s3_bucket_acl", name).isEmpty()) out.add(new Finding(Rule.BUCKET, where, "has an aws_s3_bucket_acl"));

      List<Block> sse = about(m, "aws_s3_bucket_server_side_encryption_configuration", name);
      boolean kms = sse.stream().anyMatch(b -> {
        JsonNode d = b.body().path("rule").path(0).path("apply_server_side_encryption_by_default").path(0);
        return d.path("sse_algorithm").asText("").startsWith("aws:kms") && !d.path("kms_master_key_id").asText("").isBlank();
      });
      if (!kms) out.add(new Finding(Rule.BUCKET, where, "not encrypted with SSE-KMS and a key (aws_s3_bucket_server_side_encryption_configuration)"));

      List<Block> pab = about(m, "aws_s3_bucket_public_access_block", name);
      boolean blocked = pab.stream().anyMatch(b -> Set.of("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
          .stream().allMatch(f -> b.body().path(f).isBoolean() && b.body().path(f).asBoolean()));
      if (!blocked) out.add(new Finding(Rule.BUCKET, where, "public access not fully blocked (all four aws_s3_bucket_public_access_block flags true)"));

      boolean tlsOnly = about(m, "aws_s3_bucket_policy", name).stream()
          .map(b -> policyDoc(m, b.body().path("policy").asText("")))
          .flatMap(Optional::stream)
          .anyMatch(doc -> statements(doc.body()).stream().anyMatch(SecurityRules::deniesInsecureTransport));
      if (!tlsOnly) out.add(new Finding(Rule.BUCKET, where, "no bucket policy denying requests without TLS (aws:SecureTransport false)"));
    });
  }

  /** The resources of a type whose `bucket` argument references aws_s3_bucket.NAME. */
  private static List<Block> about(Module m, String type, String bucket) {
    List<Block> out = new ArrayList<>();
    m.resourcesOfType(type).values().forEach(b -> {
      if (m.refsAt(b.file(), b.pointer() + "/bucket").stream().anyMatch(r -> r.startsWith("aws_s3_bucket." + bucket + "."))) out.add(b);
    });
    return out;
  }

  private static boolean deniesInsecureTransport(JsonNode st) {
    if (!st.path("effect").asText("").equals("Deny")) return false;
    boolean allActions = contains(st.path("actions"), "s3:*") || contains(st.path("actions"), "*");
    boolean everyone = false;
    for (JsonNode p : st.path("principals")) everyone |= contains(p.path("identifiers"), "*");
    boolean noTls = false;
    for (JsonNode c : st.path("condition")) {
      noTls |= c.path("test").asText().equals("Bool") && c.path("variable").asText().equals("aws:SecureTransport")
          && contains(c.path("values"), "false");
    }
    return allActions && everyone && noTls;
  }

  /** Policies only through policy documents; no Allow with wildcard reach; no broad managed policy. */
  static void iam(Module m, List<Finding> out) {
    m.resources.forEach((key, b) -> {
      String type = key.substring(0, key.indexOf('.'));
      for (String attr : POLICY_ATTRS.getOrDefault(type, List.of())) {
        if (!b.body().has(attr)) continue;
        String v = b.body().get(attr).asText("");
        if (policyDoc(m, v).isEmpty()) {
          out.add(new Finding(Rule.IAM, b.file() + " " + key + "." + attr,
              "not a reference to a declared data.aws_iam_policy_document (…json): cannot be checked offline"));
        }
      }
      if (type.equals("aws_iam_role") && (b.body().has("inline_policy") || b.body().has("managed_policy_arns"))) {
        out.add(new Finding(Rule.IAM, b.file() + " " + key, "inline_policy/managed_policy_arns: use aws_iam_role_policy(_attachment)"));
      }
      if (type.endsWith("_policy_attachment") && BROAD_MANAGED.matcher(b.body().path("policy_arn").asText("")).matches()) {
        out.add(new Finding(Rule.IAM, b.file() + " " + key, "attaches a broad AWS managed policy: " + b.body().path("policy_arn").asText()));
      }
    });
    m.data.forEach((key, doc) -> {
      if (!key.startsWith("aws_iam_policy_document.")) return;
      List<JsonNode> sts = statements(doc.body());
      for (int i = 0; i < sts.size(); i++) statement(sts.get(i), doc.file() + " data." + key + " statement " + (i + 1), out);
    });
  }

  private static void statement(JsonNode st, String where, List<Finding> out) {
    if (st.path("effect").asText("Allow").equals("Deny")) return;
    if (st.has("not_actions") || st.has("not_resources")) {
      out.add(new Finding(Rule.IAM, where, "Allow with not_actions/not_resources grants everything else"));
    }
    for (JsonNode p : st.path("principals")) {
      if (contains(p.path("identifiers"), "*")) out.add(new Finding(Rule.IAM, where, "Allow to principal *"));
    }
    JsonNode actions = st.path("actions");
    boolean anyResource = contains(st.path("resources"), "*");
    for (JsonNode a : actions) {
      String action = a.asText();
      if (!a.isTextual() || action.contains("${")) {
        out.add(new Finding(Rule.IAM, where, "action is an expression (" + action + "): cannot be checked offline"));
      } else if (action.equals("*") || action.endsWith(":*")) {
        out.add(new Finding(Rule.IAM, where, "Allow of every action" + (action.equals("*") ? "" : " of a service") + ": " + action));
      } else if (action.contains("*") && anyResource) {
        out.add(new Finding(Rule.IAM, where, "wildcard action " + action + " on resource *"));
      }
    }
    for (JsonNode r : st.path("resources")) {
      if (r.asText().matches("arn:[^:]*:s3:::\\*.*")) out.add(new Finding(Rule.IAM, where, "every bucket: " + r.asText()));
    }
  }

  /** Static and dynamic "statement" blocks of a policy document. */
  static List<JsonNode> statements(JsonNode doc) {
    List<JsonNode> out = new ArrayList<>();
    doc.path("statement").forEach(out::add);
    for (JsonNode d : doc.path("dynamic").path("statement")) d.path("content").forEach(out::add);
    return out;
  }

  private static Optional<Block> policyDoc(Module m, String expression) {
    Matcher x = DOC_REF.matcher(expression);
    return x.matches() ? Optional.ofNullable(m.data.get("aws_iam_policy_document." + x.group(1))) : Optional.empty();
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode v : array) if (v.asText().equals(value)) return true;
    return false;
  }
}
