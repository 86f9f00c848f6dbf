# Two roles: the EMR service role (EMR manages the cluster's EC2 resources with AWS's scoped v2
# policy) and the nodes' role (what the Flink TaskManagers do: read raw, write shards).

data "aws_iam_policy_document" "emr_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["elasticmapreduce.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "emr_service" {
  name               = "${var.name_prefix}-emr-service"
  assume_role_policy = data.aws_iam_policy_document.emr_assume.json
}

# AmazonEMRServicePolicy_v2 acts only on resources tagged for-use-with-amazon-emr-managed-policies
# (the cluster carries that tag; the subnet needs it too, see README).
resource "aws_iam_role_policy_attachment" "emr_service" {
  role       = aws_iam_role.emr_service.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"
}

# The v2 policy leaves PassRole to us: only the nodes' role may be passed.
data "aws_iam_policy_document" "emr_service" {
  statement {
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.nodes.arn]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "emr_service" {
  name   = "pass-node-role"
  role   = aws_iam_role.emr_service.id
  policy = data.aws_iam_policy_document.emr_service.json
}

data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "nodes" {
  name               = "${var.name_prefix}-flink-nodes"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

# prepare's rights as the README lists them (ListBucket for HEAD and globs, GetObject on inputs;
# Put/Delete/AbortMultipartUpload on shards.output), plus the step's own copies and EMR's log push.
data "aws_iam_policy_document" "nodes" {
  statement {
    sid       = "ListBuckets"
    actions   = ["s3:ListBucket"]
    resources = [var.raw_bucket_arn, var.shards_bucket_arn, var.artifacts_bucket_arn]
  }
  statement {
    sid       = "ReadRaw"
    actions   = ["s3:GetObject"]
    resources = ["${var.raw_bucket_arn}/*"]
  }
  statement {
    sid = "WriteShards"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:AbortMultipartUpload",
    ]
    resources = ["${var.shards_bucket_arn}/${var.job_name}/*"]
  }
  statement {
    sid       = "ReadJarAndJobFile"
    actions   = ["s3:GetObject"]
    resources = ["${var.artifacts_bucket_arn}/jars/*", "${var.artifacts_bucket_arn}/jobs/*"]
  }
  statement {
    sid       = "PushEmrLogs"
    actions   = ["s3:PutObject"]
    resources = ["${var.artifacts_bucket_arn}/emr-logs/*"]
  }
  statement {
    sid       = "UseBucketKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "nodes" {
  name   = "prepare"
  role   = aws_iam_role.nodes.id
  policy = data.aws_iam_policy_document.nodes.json
}

resource "aws_iam_instance_profile" "nodes" {
  name = "${var.name_prefix}-flink-nodes"
  role = aws_iam_role.nodes.name
}
