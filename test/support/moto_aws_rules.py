"""moto's server with two Secrets Manager rules restored as AWS documents them, nothing else changed.

Usage: python3 test/support/moto_aws_rules.py -H 127.0.0.1 -p PORT   (the same arguments as
`python3 -m moto.server`). test/support/moto.ts starts it with `startMoto({ awsRules: true })`.

moto 5.2.1 differs from Secrets Manager on two rules that rotation under concurrency depends on:

1. PutSecretValue on an existing ClientRequestToken with a different value.
   AWS: "If a version with this value already exists and the version's SecretString and
   SecretBinary values are different from those in the request, then the request fails because
   you can't modify a secret version" (ResourceExistsException).
   https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html
   (request parameter ClientRequestToken).
   moto overwrites the value when the version is labelled AWSPENDING. Restored: a version that
   already holds a value keeps it; the same value again is ignored, another one is refused. A
   version that holds no value yet (the AWSPENDING version moto's RotateSecret makes before the
   rotation function's createSecret writes it) may still be written once.

2. UpdateSecretVersionStage moving a label that another version holds.
   AWS, RemoveFromVersionId: "If the staging label you are trying to attach to one version is
   already attached to a different version, then you must include this parameter and specify the
   version that the label is already attached to. If the label is attached and you either do not
   specify this parameter, or the version ID does not match, then the operation fails."
   https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html
   moto checks a RemoveFromVersionId that is given, but without one it attaches the label to a
   second version. Restored: InvalidParameterException, nothing changed.

Each of the two operations runs under one lock, so a check and its change happen as one call does
on AWS (moto's server answers requests on several threads). Every other operation is moto's own.
"""

import sys
import threading

from moto.secretsmanager.exceptions import InvalidParameterException, ResourceExistsException
from moto.secretsmanager.models import SecretsManagerBackend

_lock = threading.RLock()
_put_secret_value = SecretsManagerBackend.put_secret_value
_update_secret_version_stage = SecretsManagerBackend.update_secret_version_stage


def put_secret_value(self, secret_id, secret_string, secret_binary, client_request_token, version_stages):
    with _lock:
        if client_request_token and self._is_valid_identifier(secret_id):
            secret = self.secrets[secret_id]
            existing = getattr(secret, "versions", {}).get(client_request_token)
            has_value = existing is not None and (
                existing.get("secret_string") is not None or existing.get("secret_binary") is not None
            )
            if has_value and (
                existing.get("secret_string") != secret_string or existing.get("secret_binary") != secret_binary
            ):
                raise ResourceExistsException(
                    f"You can't use ClientRequestToken {client_request_token} because that value is already"
                    f" in use for a version of secret {secret.arn}."
                )
            if has_value:
                # The same value again: AWS ignores the request.
                return secret.to_short_dict(include_version_stages=True, version_id=client_request_token)
        return _put_secret_value(
            self, secret_id, secret_string, secret_binary, client_request_token, version_stages
        )


def update_secret_version_stage(self, secret_id, version_stage, remove_from_version_id, move_to_version_id):
    with _lock:
        if move_to_version_id and secret_id in self.secrets:
            versions = self.secrets[secret_id].versions
            holder = next(
                (vid for vid, v in versions.items() if version_stage in v["version_stages"]),
                None,
            )
            if holder is not None and holder != move_to_version_id and remove_from_version_id != holder:
                raise InvalidParameterException(
                    f"The parameter RemoveFromVersionId must name version {holder}: staging label"
                    f" {version_stage} is currently attached to it."
                )
        return _update_secret_version_stage(
            self, secret_id, version_stage, remove_from_version_id, move_to_version_id
        )


SecretsManagerBackend.put_secret_value = put_secret_value
SecretsManagerBackend.update_secret_version_stage = update_secret_version_stage

if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
