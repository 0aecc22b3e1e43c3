import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { KMSClient } from "@aws-sdk/client-kms";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { awsClient, awsConfigFromEnv, type AwsConfig } from "../../cloud/aws/clients.js";

type Env = Readonly<Record<string, string | undefined>>;
type Service = "S3" | "KMS" | "CLOUDWATCH_LOGS" | "CLOUDTRAIL";

/** S3 addressed path-style: an emulator on 127.0.0.1 has no bucket host names. */
class PathStyleS3Client extends S3Client {
  constructor(config: S3ClientConfig) {
    super({ ...config, forcePathStyle: true });
  }
}

/**
 * The audit commands' SDK clients, from the one factory (cloud/aws/clients.ts) and the CLI's
 * environment as the SDK reads it (AWS_REGION, AWS_PROFILE, credentials,
 * AWS_ENDPOINT_URL_<SERVICE> then AWS_ENDPOINT_URL). Against a custom endpoint S3 is addressed
 * path-style.
 */
export class AuditClients {
  private readonly made: { destroy(): void }[] = [];
  constructor(private readonly env: Env) {}

  private config(service: Service, region?: string): AwsConfig {
    const base = awsConfigFromEnv(this.env);
    const endpoint = this.env[`AWS_ENDPOINT_URL_${service}`] ?? base.endpoint;
    return {
      ...base,
      region: region ?? base.region ?? "us-east-1",
      ...(endpoint && { endpoint }),
      // AWS_MAX_ATTEMPTS as the SDK reads it; 5 with adaptive retry otherwise.
      maxAttempts: Number(this.env.AWS_MAX_ATTEMPTS ?? 5),
      retryMode: "adaptive",
    };
  }

  private keep<C extends { destroy(): void }>(client: C): C {
    this.made.push(client);
    return client;
  }

  s3(region?: string): S3Client {
    const config = this.config("S3", region);
    return this.keep(
      config.endpoint
        ? awsClient(PathStyleS3Client, "s3", config)
        : awsClient(S3Client, "s3", config),
    );
  }

  kms(region?: string): KMSClient {
    return this.keep(awsClient(KMSClient, "kms", this.config("KMS", region)));
  }

  logs(region: string): CloudWatchLogsClient {
    return this.keep(
      awsClient(CloudWatchLogsClient, "logs", this.config("CLOUDWATCH_LOGS", region)),
    );
  }

  cloudTrail(region: string): CloudTrailClient {
    // ListPublicKeys is a probe where an emulator lacks it: do not retry for seconds.
    return this.keep(
      awsClient(CloudTrailClient, "cloudtrail", {
        ...this.config("CLOUDTRAIL", region),
        maxAttempts: 2,
      }),
    );
  }

  destroy(): void {
    for (const c of this.made) c.destroy();
  }
}
