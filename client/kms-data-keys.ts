import { GenerateDataKeyCommand, type KMSClient } from "@aws-sdk/client-kms";
import { clientDataKeyContext, keyAliasName } from "../cloud/aws/naming.js";
import type { DataKeySource } from "./source.js";
import { classifyAwsError } from "./sources/aws-errors.js";

/**
 * Data keys from KMS GenerateDataKey (AES_256) under the tenant's key, with the client's
 * encryption context (cloud/aws/naming.ts), which is all the workload's role is allowed to ask
 * for. Only the plaintext key is kept, in memory; the encrypted copy is dropped, so nothing
 * written anywhere can bring a cache back.
 */
export class KmsDataKeys implements DataKeySource {
  constructor(
    private readonly kms: KMSClient,
    /** The KMS key of a tenant. @default - the tenant's alias, alias/vaultpilot/<tenant> */
    private readonly keyId: (tenant: string) => string = keyAliasName,
  ) {}

  async dataKey(tenant: string): Promise<Buffer> {
    let response;
    try {
      response = await this.kms.send(
        new GenerateDataKeyCommand({
          KeyId: this.keyId(tenant),
          KeySpec: "AES_256",
          EncryptionContext: clientDataKeyContext(tenant),
        }),
      );
    } catch (error) {
      throw classifyAwsError(error, `KMS GenerateDataKey for tenant ${tenant}`);
    }
    const plaintext = response.Plaintext;
    if (!plaintext || plaintext.length !== 32) {
      throw new Error(`KMS GenerateDataKey for tenant ${tenant} returned no 32-byte key`);
    }
    const key = Buffer.from(plaintext);
    plaintext.fill(0);
    return key;
  }

  close(): void {
    this.kms.destroy();
  }
}
