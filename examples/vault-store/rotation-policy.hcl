# What vaultpilot rotate, versions and rollback need under the tenant's prefix: write versions,
# read them, and read and write their metadata (stages, version ids, the run's claim).
path "secret/data/vaultpilot/initech/*" {
  capabilities = ["create", "read", "update"]
}
path "secret/metadata/vaultpilot/initech/*" {
  capabilities = ["create", "read", "update", "list"]
}
