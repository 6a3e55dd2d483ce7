"""Text: reading files, normalising, offsets, speaker turns, language and segmentation."""
