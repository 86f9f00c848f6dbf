variable "name" {
  type        = string
  description = "Globally unique bucket name."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key of the bucket's default encryption."
}

variable "versioning" {
  type        = bool
  description = "Keep previous versions of overwritten and deleted objects."
}

variable "force_destroy" {
  type        = bool
  description = "Let terraform destroy delete the bucket with its objects."
}

variable "abort_multipart_days" {
  type        = number
  description = "Days after which an unfinished multipart upload is aborted."
  default     = 7
}

variable "lifecycle_rules" {
  type = list(object({
    id              = string
    prefix          = string
    expire_days     = optional(number)
    noncurrent_days = optional(number)
  }))
  description = "Expiry rules per key prefix: current objects after expire_days, previous versions after noncurrent_days."
  default     = []
}
