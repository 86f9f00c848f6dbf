package dev.shardcast.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.terraform.HclFolders.Parsed;
import dev.shardcast.terraform.Modules.Block;
import dev.shardcast.terraform.Modules.Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The terraform/ folder as committed: it passes every offline check, and it is the setup the
 * README describes (the checks above say "nothing wrong"; these say "the right things are there").
 */
class TerraformConfigTest {
  static Path dir;
  static Parsed parsed;
  static Map<String, Module> modules;

  @BeforeAll
  static void parse() {
    dir = HclFolders.moduleDir();
    parsed = HclFolders.parse(dir);
    modules = Modules.of(parsed);
  }

  @Test
  void passesEveryOfflineCheck() {
    List<Finding> findings = TerraformChecker.check(parsed);
    assertEquals("", findings.stream().map(Finding::toString).collect(Collectors.joining("\n")));
    // The checks had something to check: every module, hundreds of references, every policy.
    assertEquals(List.of("", "modules/bucket", "modules/flink_emr", "modules/pipeline", "modules/storage", "modules/training_batch"),
        modules.keySet().stream().sorted().toList());
    assertTrue(parsed.exprs().stream().mapToInt(e -> e.refs().size()).sum() > 300);
    long statements = modules.values().stream().flatMap(m -> m.data.entrySet().stream())
        .filter(e -> e.getKey().startsWith("aws_iam_policy_document.")).mapToLong(e -> SecurityRules.statements(e.getValue().body()).size()).sum();
    assertTrue(statements >= 30, statements + " policy statements");
  }

  @Test
  void fourHardenedBucketsModelsVersionedLifecycleForOldShardsAndQuarantine() {
    Module storage = modules.get("modules/storage");
    assertEquals(List.of("artifacts", "models", "raw", "shards"), storage.moduleCalls.keySet().stream().sorted().toList());
    storage.moduleCalls.values().forEach(b -> assertEquals("../bucket", b.body().get("source").asText()));
    assertTrue(storage.moduleCalls.get("models").body().get("versioning").asBoolean());
    assertTrue(storage.moduleCalls.get("shards").body().get("versioning").asBoolean(), "noncurrent shards need versioning");
    Map<String, JsonNode> rules = new java.util.HashMap<>();
    storage.moduleCalls.get("shards").body().get("lifecycle_rules").forEach(r -> rules.put(r.get("id").asText(), r));
    assertEquals("${var.shard_noncurrent_days}", rules.get("old-shards").get("noncurrent_days").asText());
    assertEquals("${var.job_name}/quarantine/", rules.get("quarantine").get("prefix").asText());
    assertEquals("${var.quarantine_retention_days}", rules.get("quarantine").get("expire_days").asText());
    assertEquals(1, modules.values().stream().mapToInt(m -> m.resourcesOfType("aws_s3_bucket").size()).sum(),
        "every bucket comes from modules/bucket");
  }

  @Test
  void everyRoleHasItsOwnPolicy() {
    List<String> roles = new ArrayList<>();
    for (Module m : modules.values()) {
      m.resourcesOfType("aws_iam_role").forEach((name, role) -> {
        roles.add(m.dir + "/" + name);
        boolean hasPolicy = m.resources.entrySet().stream()
            .filter(e -> e.getKey().startsWith("aws_iam_role_policy"))
            .anyMatch(e -> m.refsAt(e.getValue().file(), e.getValue().pointer() + "/role").stream().anyMatch(r -> r.startsWith("aws_iam_role." + name + ".")));
        assertTrue(hasPolicy, "role " + name + " in " + m.dir + " has no policy");
      });
    }
    assertEquals(7, roles.size(), roles.toString()); // 2 EMR, 3 Batch, scheduler, state machine
  }

  @Test
  void scheduleStartsStateMachinePrepareTrainGateFailuresToSns() {
    Module root = modules.get("");
    assertEquals("${var.retrain_schedule}", root.moduleCalls.get("pipeline").body().get("schedule_expression").asText());
    Module pipeline = modules.get("modules/pipeline");
    JsonNode schedule = pipeline.resources.get("aws_scheduler_schedule.retrain").body();
    assertEquals("${var.schedule_expression}", schedule.get("schedule_expression").asText());
    assertEquals("${aws_sfn_state_machine.retrain.arn}", schedule.path("target").path(0).path("arn").asText());

    JsonNode def = parsed.files().get("modules/pipeline/state_machine.tf").path("locals").path(0).path("definition");
    List<String> path = new ArrayList<>();
    for (String s = def.get("StartAt").asText(); def.path("States").has(s); s = def.path("States").path(s).path("Next").asText("")) {
      path.add(s);
    }
    assertEquals(List.of("CreateFlinkCluster", "Prepare", "TerminateFlinkCluster", "Train", "PromotionGate", "Done"), path);
    JsonNode states = def.get("States");
    assertTrue(states.path("CreateFlinkCluster").path("Resource").asText().endsWith(":states:::elasticmapreduce:createCluster.sync"));
    assertTrue(states.path("Prepare").path("Resource").asText().endsWith(":states:::elasticmapreduce:addStep.sync"));
    assertTrue(states.path("Train").path("Resource").asText().endsWith(":states:::batch:submitJob.sync"));
    // the CLI's interface: shardcast promote JOB_YAML RUN_ID --gate, the registry where train wrote the run
    String gate = states.path("PromotionGate").path("Parameters").path("ContainerOverrides").path("Command.$").asText();
    assertTrue(gate.startsWith("States.Array('promote', '${var.job_config_uri}', $$.Execution.Name, '--gate'"), gate);
    assertTrue(gate.contains("'registry.location=${local.registry}'"), gate);
    assertEquals("${local.registry}/models/{}", parsed.files().get("modules/pipeline/state_machine.tf").path("locals")
        .path(0).path("run_id_models").asText());
    assertTrue(states.path("NotifyFailure").path("Resource").asText().endsWith(":states:::sns:publish"));
    assertEquals("${aws_sns_topic.alerts.arn}", states.path("NotifyFailure").path("Parameters").path("TopicArn").asText());
    // Every task either catches into the failure path or is that path.
    states.fields().forEachRemaining(s -> {
      if (s.getValue().path("Type").asText().equals("Task") && !s.getKey().equals("NotifyFailure")) {
        assertFalse(s.getValue().path("Catch").isMissingNode(), s.getKey() + " has no Catch");
      }
    });
  }

  @Test
  void gpuBatchRunsTheCudaImage() throws IOException {
    Module training = modules.get("modules/training_batch");
    JsonNode ce = training.resources.get("aws_batch_compute_environment.gpu").body().path("compute_resources").path(0);
    assertEquals("${var.gpu_instance_types}", ce.get("instance_type").asText());
    assertEquals(0, ce.get("min_vcpus").asInt());
    assertEquals("ECS_AL2_NVIDIA", ce.path("ec2_configuration").path(0).path("image_type").asText());
    String container = training.resources.get("aws_batch_job_definition.train").body().get("container_properties").asText();
    assertTrue(container.contains("type = \"GPU\""), container);

    Path repo = dir.getParent();
    List<String> docker = Files.readAllLines(dir.resolve("docker/Dockerfile"));
    List<String> froms = docker.stream().filter(l -> l.startsWith("FROM ")).toList();
    assertTrue(froms.get(froms.size() - 1).matches("FROM nvidia/cuda:12\\.4\\.\\d+-[a-z-]*runtime-ubuntu[0-9.]+"), froms.toString());
    assertTrue(docker.stream().anyMatch(l -> l.startsWith("RUN mvn ") && l.contains(" -Pcuda ")), "the image's jar is the cuda profile's");
    String trainingPom = Files.readString(repo.resolve("training/pom.xml"));
    assertTrue(trainingPom.matches("(?s).*<id>cuda</id>.*pytorch-native-cu124.*"), "training/pom.xml has the cuda profile");
    String entrypoint = Files.readString(dir.resolve("docker/entrypoint.sh"));
    Matcher main = Pattern.compile("dev\\.shardcast\\.pipelines\\.(\\w+)").matcher(entrypoint);
    assertTrue(main.find());
    assertTrue(Files.exists(repo.resolve("pipelines/src/main/java/dev/shardcast/pipelines/" + main.group(1) + ".java")));
  }

  /** The root variables' regex validations, run in Java on their defaults and on the example
   *  values (RE2 and java.util.regex agree on these plain patterns): the examples must apply. */
  @Test
  void defaultsAndExampleValuesPassTheRegexValidations() {
    Pattern regexCall = Pattern.compile("regex\\(\"((?:[^\"\\\\]|\\\\.)*)\", (var\\.\\w+|s|t|e)\\)");
    JsonNode example = parsed.files().get("terraform.tfvars.example");
    int checked = 0;
    for (Block b : modules.get("").variables.values()) {
      String name = b.pointer().split("/")[2];
      for (JsonNode v : b.body().path("validation")) {
        Matcher m = regexCall.matcher(v.get("condition").asText());
        while (m.find()) {
          Pattern re = Pattern.compile(m.group(1).replace("\\\\", "\\"));
          for (JsonNode value : List.of(b.body().path("default"), example.path(name))) {
            List<JsonNode> items = new ArrayList<>();
            if (value.isArray()) value.forEach(items::add); else if (value.isTextual()) items.add(value);
            for (JsonNode item : items) {
              assertTrue(re.matcher(item.asText()).find(), name + " = " + item + " fails its validation " + re);
              checked++;
            }
          }
        }
      }
    }
    assertTrue(checked >= 15, checked + " values checked");
  }

  @Test
  void hclParserIsPinned() throws IOException {
    String pkg = Files.readString(dir.resolve("package.json"));
    assertTrue(pkg.contains("\"@cdktf/hcl2json\": \"0.21.0\""), pkg);
    assertTrue(Files.readString(dir.resolve("package-lock.json")).contains("\"version\": \"0.21.0\""));
  }
}
