"""Run every benchmark and print its figures: `python -m bench`."""

from bench import import_throughput, segmentation_f1

print("== Chinese segmentation (word-level F1 against bench/data/seg_gold_zh_hk.txt)")
segmentation_f1.main()
print("== Import throughput")
import_throughput.run()
