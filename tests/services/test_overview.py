"""Overview figures on the demo study, checked against the manifest and reference files directly."""

import json
from collections import Counter

import yaml

from tests.helpers import REPO
from workbench.services import overview, transcripts
from workbench.services.transcripts import resolve_transcript
from workbench.store.study import Study

MANIFEST = yaml.safe_load((REPO / "transcripts" / "manifest.yaml").read_text(encoding="utf-8"))
REFERENCE = [json.loads(line) for f in sorted((REPO / "transcripts" / "reference_codings").glob("*.jsonl"))
             for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_participants_and_codings_per_coder_match_the_demo_files(demo):
    with Study.open(demo.path) as study:
        assert overview.participants_by_group(study) == dict(Counter(e["group"] for e in MANIFEST))
        assert overview.codings_per_coder(study) == dict(Counter(r["coder"] for r in REFERENCE))


def test_transcript_list_filters_and_counts_codings_per_coder(demo):
    with Study.open(demo.path) as study:
        rows = transcripts.list_transcripts(study, language="zh")
        assert sorted(r["stem"] for r in rows) == sorted(e["file"].rsplit(".", 1)[0] for e in MANIFEST
                                                         if e["language"] == "zh")
        stem = rows[0]["stem"]
        expected = Counter(r["coder"] for r in REFERENCE if r["transcript"] == stem)
        assert rows[0]["coders"] == dict(expected)
        survivors = transcripts.list_transcripts(study, group="survivor")
        assert {r["participant_group"] for r in survivors} == {"survivor"}


def test_turns_are_paged_in_order(demo):
    with Study.open(demo.path) as study:
        tid = resolve_transcript(study, "SV01_dewi")
        total = transcripts.turn_count(study, tid)
        first, rest = transcripts.turns(study, tid, limit=10), transcripts.turns(study, tid, offset=10)
        assert len(first) == 10 and len(first) + len(rest) == total
        assert [t["seq"] for t in first + rest] == sorted(t["seq"] for t in first + rest)
        assert first[-1]["end"] <= rest[0]["start"]
