"""Docs that stay true (issue 29). Pure Python: no broker, no database, no running system.

- Every repository path the docs name exists: in `code` spans (each word of a command too) and
  in Markdown links, a word that contains a `/` or ends in a file extension. Placeholders and
  globs (`<svc>`, `*`, `{id}`) are skipped, and so are URLs and absolute paths (routes such as
  `/api/units`). A path is looked up from the repository root (a link: from the doc's folder),
  else as the tail of a path in the repository, as the docs write a module beside the folder
  they are describing (`hr/passwords.py`, `deal_rules.py` in the contracts section).
- The events table of docs/architecture.md is what scripts/events_doc.py writes."""
import functools
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md", ROOT / "CONTRIBUTING.md"]
EXTENSIONS = (".py", ".sh", ".md", ".yml", ".yaml", ".json", ".js", ".css", ".html", ".toml", ".txt",
              ".in", ".sql", ".cfg", ".ini", ".xlsx")
# words with a `/` that are not paths
NOT_PATHS = {
    "application/json",  # a media type
    "staff_clocked_in/out",  # two event types
}
# made by the scripts at run time, not in a clone (.gitignore)
RUNTIME = ("var", ".venv", "venv", "bench/results", "backup")  # backup/: scripts/backup.sh
SKIPPED_DIRS = {".git", ".venv", "__pycache__", ".hypothesis", ".schemathesis", ".pytest_cache", "var",
                "loupan.egg-info"}

FENCE = re.compile(r"^```.*?^```", re.S | re.M)
CODE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
PLACEHOLDER = re.compile(r"<[^<>]*>")


@functools.lru_cache(maxsize=1)
def repo_paths():
    paths = set()  # every file and folder, tracked or not (a file made and not added yet counts)
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS.intersection(relative.parts):
            continue
        paths.add(relative.as_posix())
    return frozenset(paths)


def looks_like_path(word):
    if not word or word in NOT_PATHS or any(c in word for c in "<*{$~@=") or "://" in word:
        return False
    if word.startswith(("/", "-", "http")) or (word.startswith(".") and "/" not in word):  # `.xlsx`
        return False
    return "/" in word or word.endswith(EXTENSIONS)


def named_paths(text):
    """(line, path) for every path-like word in the code spans and links of a Markdown text."""
    text = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    for number, line in enumerate(text.splitlines(), 1):
        for span in CODE.findall(line):
            for word in PLACEHOLDER.sub("<x>", span).split():
                word = re.sub(r"(::|:\d).*$", "", word.strip("()[],;'\"").rstrip(".:"))
                if looks_like_path(word):
                    yield number, word, False
        for target in LINK.findall(line):
            target = target.split("#")[0]
            if target and looks_like_path(target):
                yield number, target, True


def exists(word, doc, paths):
    word = word.rstrip("/")
    if word.startswith("./"):
        word = word[2:]
    if word.startswith(RUNTIME) and word.split("/")[0] in {r.split("/")[0] for r in RUNTIME}:
        return True
    if word in paths:
        return True
    return any(p.endswith("/" + word) for p in paths)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_path_a_doc_names_exists(doc):
    paths = repo_paths()
    missing = []
    for line, word, is_link in named_paths(doc.read_text(encoding="utf-8")):
        if is_link:
            target = (doc.parent / word).resolve()
            found = target.exists()
        else:
            found = exists(word, doc, paths)
        if not found:
            missing.append(f"{doc.relative_to(ROOT)}:{line}: {word}")
    assert missing == [], "paths named in the docs that are not in the repository (moved? "\
        "git log --follow --stat -- <old path>):\n" + "\n".join(missing)


def test_the_path_check_sees_paths_and_skips_the_rest():
    text = "see `services/hr/passwords.py`, `bash scripts/test.sh services/crm -x -q`, " \
           "`GET /api/units/<id>`, `services/<svc>/models.py`, `application/json` and [x](roles.md#top)"
    assert [w for _, w, _ in named_paths(text)] == ["services/hr/passwords.py", "scripts/test.sh",
                                                    "services/crm", "roles.md"]
    paths = repo_paths()
    assert exists("hr/passwords.py", None, paths) and exists("scripts/", None, paths)
    assert not exists("services/hr/rota.py", None, paths)


def events_doc():
    spec = importlib.util.spec_from_file_location("events_doc", ROOT / "scripts" / "events_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_architecture_events_table_is_generated_from_the_code():
    module = events_doc()
    text = module.DOC.read_text(encoding="utf-8")
    assert module.BEGIN in text and module.END in text, "docs/architecture.md lost its events markers"
    assert text == module.with_table(text), \
        "regenerate it: .venv/bin/python scripts/events_doc.py --write"


def test_every_catalogued_event_is_in_the_table_and_every_handler_is_listed():
    from loupan.events import CATALOGUE

    module = events_doc()
    table = module.table()
    for event_type, _ in CATALOGUE:
        assert f"| `{event_type}` (v" in table
    handlers = module.consumers()
    assert ("gateway", "on_hold_expired") in {(s, m) for s, m, _, _ in handlers[("inventory", "unit_hold_expired")]}
    assert {s for s, *_ in handlers[("inventory", "project_created")]} == {"contracts", "crm", "finance", "hr"}
