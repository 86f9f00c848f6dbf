output "create_cluster_parameters" {
  description = "RunJobFlow parameters of the transient prepare cluster (Step Functions createCluster.sync)."
  value = {
    Name                  = "${var.name_prefix}-prepare-${var.job_name}"
    ReleaseLabel          = var.release_label
    Applications          = [{ Name = "Flink" }]
    ServiceRole           = aws_iam_role.emr_service.arn
    JobFlowRole           = aws_iam_instance_profile.nodes.name
    SecurityConfiguration = aws_emr_security_configuration.this.name
    LogUri                = "s3://${var.artifacts_bucket}/emr-logs/"
    VisibleToAllUsers     = true
    AutoTerminationPolicy = { IdleTimeout = var.idle_safety_timeout_minutes * 60 }
    Tags                  = [{ Key = "for-use-with-amazon-emr-managed-policies", Value = "true" }]
    Instances = {
      KeepJobFlowAliveWhenNoSteps = true
      Ec2SubnetId                 = var.subnet_id
      InstanceGroups = [
        { Name = "primary", InstanceRole = "MASTER", InstanceType = var.primary_instance_type, InstanceCount = 1, Market = "ON_DEMAND" },
        { Name = "core", InstanceRole = "CORE", InstanceType = var.core_instance_type, InstanceCount = var.core_instance_count, Market = var.core_market },
      ]
    }
    Configurations = [{
      Classification = "flink-conf"
      Properties = {
        "taskmanager.numberOfTaskSlots"   = tostring(var.task_slots_per_node)
        "taskmanager.memory.process.size" = var.taskmanager_memory
        "jobmanager.memory.process.size"  = "4g"
      }
    }]
  }
}

output "prepare_step" {
  description = "The EMR step that runs prepare (Step Functions addStep.sync adds ClusterId)."
  value = {
    Name            = "shardcast prepare ${var.job_name}"
    ActionOnFailure = "CONTINUE"
    HadoopJarStep = {
      Jar  = "command-runner.jar"
      Args = ["bash", "-c", local.prepare_script]
    }
  }
}

output "pass_role_arns" {
  description = "Roles the state machine passes to EMR when it creates the cluster."
  value       = [aws_iam_role.emr_service.arn, aws_iam_role.nodes.arn]
}

output "job_jar_uri" {
  description = "Where the Flink job jar (mvn -Pflink-job) must be uploaded."
  value       = local.jar_uri
}
