"""Run every benchmark and print its figures: `python -m bench`."""

from bench import (
    analysis_speed,
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
print("== Analysis and search on a synthetic study (1,000 transcripts, 1,000,000 codings)")
analysis_speed.run()
print("== Suggestion speed (10,000-word transcript warm; training on 1,000 codings)")
suggest_speed.run()
print("== Suggestion quality (recall@3, P@1 on bench/data/suggest_dev.jsonl)")
suggest_quality.run()
print("== Suggestion quality on real public text (bench/data/suggest_real_*.jsonl; R@3 / P@1)")
suggest_quality.run_real()
