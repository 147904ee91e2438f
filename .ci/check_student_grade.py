"""Checks a student-edition results.json: total 0, and every test failed on its TODO."""
import json
import sys

results = json.load(open(sys.argv[1]))
bad = [t for t in results["tests"] if t["score"] != 0 or "still a TODO" not in t["output"]]
for t in bad:
    print(f"not a clean TODO failure: {t['name']}: score {t['score']}, output {t['output']!r}")
print(f"student edition: {len(results['tests'])} tests, score {results['score']}, {len(bad)} not clean")
sys.exit(1 if bad or results["score"] != 0 else 0)
