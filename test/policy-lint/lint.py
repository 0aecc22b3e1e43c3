"""Lints policy documents with parliament (PyPI `parliament`, its Python API).

Reads a JSON list of {"id", "document"} from the file named by argv[1] and prints a JSON list of
{"id", "findings": [{"issue", "severity", "group", "title", "detail"}]}: every finding parliament
reports, at every severity, so the test decides what fails and what an allowance covers.
"""

import json
import sys

import parliament
from parliament import analyze_policy_string, config as issues, enhance_finding


def lint(document):
    policy = analyze_policy_string(json.dumps(document), include_community_auditors=False)
    out = []
    for finding in policy.findings:
        enhance_finding(finding)
        out.append(
            {
                "issue": finding.issue,
                "severity": finding.severity,
                "group": issues[finding.issue].get("group", ""),
                "title": finding.title,
                "detail": finding.detail,
            }
        )
    return out


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        documents = json.load(f)
    result = [{"id": d["id"], "findings": lint(d["document"])} for d in documents]
    json.dump({"parliament": parliament.__version__, "results": result}, sys.stdout, default=str)


if __name__ == "__main__":
    main()
