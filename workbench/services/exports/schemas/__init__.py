"""The REFI-QDA (QDA-XML 1.0) schemas every project and codebook export is validated against (see LICENSE.md)."""
