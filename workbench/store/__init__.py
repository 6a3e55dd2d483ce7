"""Storage: the study file, its schema, permissions and audit."""

from workbench.store.study import Study

__all__ = ["Study"]
