# Writes program/aws-regions.json, the AWS regions by partition, from botocore's endpoints data
# (the list the AWS CLI and SDKs ship). Run when AWS opens a region: python3 scripts/aws-regions.py
import json
import os

import botocore

data = json.load(open(os.path.join(os.path.dirname(botocore.__file__), "data", "endpoints.json")))
out = {
    "source": f"botocore {botocore.__version__}, botocore/data/endpoints.json: partitions[].regions"
    " (regenerate: python3 scripts/aws-regions.py)",
    "partitions": {p["partition"]: sorted(p["regions"]) for p in data["partitions"]},
}
root = os.path.join(os.path.dirname(__file__), "..")
with open(os.path.join(root, "program", "aws-regions.json"), "w") as f:
    f.write(json.dumps(out, indent=2) + "\n")
