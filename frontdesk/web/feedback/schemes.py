"""The scheme in force, for the 360 relation weights shown beside campaign results."""

from __future__ import annotations

from frontdesk.scoring.scheme import Scheme, SchemeError, load_scheme
from frontdesk.web.workspace import workspace_root


def scheme_in_force() -> Scheme:
    """The workspace's scheme, else the built-in default."""
    from frontdesk.usecases.workspace import WorkspaceError, open_workspace

    root = workspace_root()
    if root is not None:
        try:
            return open_workspace(root).scheme()
        except (WorkspaceError, SchemeError):
            pass
    return load_scheme()


def weights_360() -> dict[str, float]:
    """Each relation's weight in the 360 result, as a share (0.4 = 40 %)."""
    return {rel: w / 100.0 for rel, w in scheme_in_force().weights_360.items()}
