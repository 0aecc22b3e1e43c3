"""Prints program/protection/country-codes.ts from Debian's iso-codes (apt-get install iso-codes)."""
import json

SOURCE = "/usr/share/iso-codes/json/iso_3166-1.json"
entries = json.load(open(SOURCE, encoding="utf-8"))["3166-1"]
names = {e["alpha_2"]: e["name"] for e in entries}
print(f"// ISO 3166-1 alpha-2 country codes: the {len(names)} officially assigned codes, generated from Debian's")
print(f"// iso-codes package 4.15.0 ({SOURCE}, `apt-get install iso-codes`),")
print("// which follows the ISO 3166 Maintenance Agency. AWS WAF's geo match takes these codes.")
print("// To refresh: scripts/iso-country-codes.py > program/protection/country-codes.ts")
print()
print("/** Code → English short name, as iso-codes gives it. */")
print("export const COUNTRY_CODES: Readonly<Record<string, string>> = {")
for code in sorted(names):
    print(f"  {code}: {json.dumps(names[code], ensure_ascii=False)},")
print("};")
