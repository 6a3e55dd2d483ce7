"""Run every benchmark and print its figures: `python -m bench`; one of them: `python -m bench pii`."""

import sys

from bench import pii_quality

if sys.argv[1:] == ["pii"]:
    print("== PII recognisers (precision and recall per kind on bench/data/pii_labelled.jsonl)")
    pii_quality.run()
    sys.exit(0)
if sys.argv[1:]:
    sys.exit("usage: python -m bench [pii]")

from bench import (  # noqa: E402 - the full run only: these import the heavier parts
    analysis_speed,
    code_search,
    docx_reader,
    import_throughput,
    page_rerun,
    segmentation_f1,
    suggest_quality,
    suggest_speed,
)

print("== Chinese segmentation (word-level F1 against bench/data/seg_gold_zh_hk.txt)")
segmentation_f1.main()
print("== .docx text: the streaming reader against python-docx (seconds, peak Python memory)")
docx_reader.run()
print("== Import throughput")
import_throughput.run()
print("== Coding page reruns (AppTest, median of 7)")
page_rerun.run()
print("== Code picker search (top-1 on typed queries; time per query)")
code_search.run()
print("== Code picker search (top-1 on typed queries; time per query)")
code_search.run()
print("== Analysis and search on a synthetic study (1,000 transcripts, 1,000,000 codings)")
analysis_speed.run()
print("== Suggestion speed (10,000-word transcript warm; training on 1,000 codings)")
suggest_speed.run()
print("== Suggestion quality (recall@3, P@1 on bench/data/suggest_dev.jsonl)")
suggest_quality.run()
print("== Suggestion quality on real public text (bench/data/suggest_real_*.jsonl; R@3 / P@1)")
suggest_quality.run_real()
print("== PII recognisers (precision and recall per kind on bench/data/pii_labelled.jsonl)")
pii_quality.run()
