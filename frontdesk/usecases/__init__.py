"""The use-case layer: what the command line and the web application both do, in one place
(open a workspace, compute periods, read stored scorecards, evaluate, report).

The CLI (``frontdesk.cli``) and the web application (``frontdesk.web``) are thin shells over it;
neither imports the other (docs/architecture.md, "Layers").
"""
