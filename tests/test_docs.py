"""Every page, section and make target that the code and the docs name
exists. Comments cite docs/DOMAIN.md by number (`DOMAIN.md §2`, `§2-§5`),
other pages by a quoted heading (`docs/runbook.md "Roll back"`, `README,
"Roll back"`); README.md and docs/ link into each other, write paths of the
repository and tell readers which make targets to run (`make soak`). A page
split, a section renamed or a target dropped breaks them silently; this
test finds it. Files only, no database: about a second. (This file is not
scanned: its examples of broken citations are on purpose.)"""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SELF = Path(__file__).resolve()
# Not the project's text: caches, logs and what tests and benchmarks leave.
SKIP_DIRS = {"__pycache__", "node_modules"}
SKIP_PATHS = {ROOT / "bench" / "results", ROOT / "tests" / "output"}
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

SECTION_SIGN = "\u00a7"
# A page named in text: a path ending in .md, or README on its own.
PAGE = r"(?:(?<![\w/.-])(?:[\w.-]+/)*[\w.-]+\.md\b|\bREADME\b(?!\.md))"
# DOMAIN.md §2, §2-§5, §4 (the page being read): section numbers.
SECTION_NUMBER = re.compile(
    rf"(?:(?P<page>{PAGE})\s+)?{SECTION_SIGN}(?P<first>\d+)"
    rf"(?:\s*[-\u2013]\s*{SECTION_SIGN}?(?P<last>\d+))?"
)
# README, "Roll back"; docs/pipeline.md "Polling" and "Housekeeping".
QUOTED = r'"[^"\n]+(?:\n[^"\n]+)?"'
SECTION_NAME = re.compile(
    rf"(?P<page>{PAGE})(?:'s)?,?\s+(?P<names>{QUOTED}(?:(?:\s*,\s*|\s+and\s+){QUOTED})*)"
)
LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<target>[^)\s]+)\)")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
MAKE = re.compile(r"(?:^|[\s(;&|])make\s+(?:-s\s+)?(?P<target>[a-z][\w-]*)(?![\w=-])")
# A path into the repository, written in code in a page: it must exist.
REPO_PATH = re.compile(
    r"^(?:deploy|revert|verify|reworked|plpython|fetcher|gateway|live|web|tabsim|tests|bench"
    r"|scripts|docker|docs)/[\w./@-]*$"
)


def _project_files() -> list[Path]:
    files = []
    for path in sorted(ROOT.rglob("*")):
        rel = path.relative_to(ROOT)
        if (
            any(part.startswith(".") or part in SKIP_DIRS for part in rel.parts[:-1])
            or any(path.is_relative_to(p) for p in SKIP_PATHS)
            or not path.is_file()
            or path == SELF
            or path.stat().st_size > 1 << 20
        ):
            continue
        try:
            path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        files.append(path)
    return files


FILES = _project_files()


@cache
def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _squash(s: str) -> str:
    """A quoted name may wrap onto the next line, behind a comment marker."""
    return " ".join(re.sub(r"^\s*(?:--|#|//)\s?", "", line) for line in s.splitlines()).strip()


def _prose(path: Path) -> str:
    """A page without its fenced code blocks (a `# comment` there is no heading)."""
    return re.sub(r"^```.*?^```", "", text(path), flags=re.M | re.S)


@cache
def headings(path: Path) -> tuple[str, ...]:
    found = []
    for line in _prose(path).splitlines():
        if m := re.match(r"#{1,6}\s+(.*?)\s*#*$", line):
            found.append(m.group(1))
    return tuple(found)


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    plain = re.sub(r"[`*_]", "", heading).lower()
    return re.sub(r"[^\w\- ]", "", plain).replace(" ", "-")


def section_numbers(path: Path) -> set[int]:
    return {int(m.group(1)) for h in headings(path) if (m := re.match(rf"{SECTION_SIGN}(\d+)\b", h))}


def section_names(path: Path) -> set[str]:
    """Headings, and the text of links to a section elsewhere (README points
    into docs/ that way, and a citation of README may land on such a pointer)."""
    names = {re.sub(rf"^{SECTION_SIGN}\d+\s+", "", h) for h in headings(path)} | set(headings(path))
    if path.suffix == ".md":
        names |= {_squash(m.group("text")) for m in LINK.finditer(_prose(path)) if "#" in m.group("target")}
    return names


def resolve(name: str, citing: Path) -> Path | None:
    """The file a page name means: a path from the top of the repository (or
    from the citing page, for a relative link), or a bare name at the top or
    in docs/."""
    if name == "README":
        name = "README.md"
    candidates = [ROOT / name, citing.parent / name] if "/" in name else [ROOT / name, ROOT / "docs" / name]
    return next((p for p in candidates if p.is_file()), None)


def _where(path: Path, source: str, pos: int) -> str:
    return f"{path.relative_to(ROOT)}:{source.count(chr(10), 0, pos) + 1}"


def citation_problems() -> list[str]:
    problems = []
    for path in FILES:
        source = text(path)
        is_page = path.suffix == ".md"
        for m in re.finditer(PAGE, source):
            if resolve(m.group(0), path) is None:
                problems.append(f"{_where(path, source, m.start())}: {m.group(0)} does not exist")
        for m in SECTION_NUMBER.finditer(source):
            page = resolve(m.group("page"), path) if m.group("page") else (path if is_page else None)
            if page is None:
                if not m.group("page"):
                    problems.append(f"{_where(path, source, m.start())}: {m.group(0)} names no page")
                continue
            first = int(m.group("first"))
            last = int(m.group("last") or first)
            missing = sorted(set(range(first, last + 1)) - section_numbers(page))
            if missing:
                problems.append(
                    f"{_where(path, source, m.start())}: {m.group(0)}: "
                    f"{page.relative_to(ROOT)} has no section {missing}"
                )
        for m in SECTION_NAME.finditer(source):
            page = resolve(m.group("page"), path)
            if page is None or page.suffix != ".md":
                continue
            for quoted in re.findall(QUOTED, m.group("names")):
                name = _squash(quoted[1:-1])
                if name not in section_names(page):
                    problems.append(
                        f'{_where(path, source, m.start())}: {page.relative_to(ROOT)} has no "{name}"'
                    )
    return problems


def link_problems() -> list[str]:
    problems = []
    for path in PAGES:
        source = _prose(path)
        for m in LINK.finditer(source):
            target = m.group("target")
            if re.match(r"[a-z]+:", target):
                continue
            file_part, _, anchor = target.partition("#")
            page = (path.parent / file_part).resolve() if file_part else path
            if not page.exists():
                problems.append(f"{_where(path, source, m.start())}: link to {target}: no such file")
            elif anchor and anchor not in {slug(h) for h in headings(page)}:
                problems.append(f"{_where(path, source, m.start())}: link to {target}: no such heading")
    return problems


def makefile_targets() -> set[str]:
    return {m.group(1) for m in re.finditer(r"^([\w-]+)\s*:(?!=)", text(ROOT / "Makefile"), flags=re.M)}


def make_problems() -> list[str]:
    """`make <target>` in code spans and code blocks anywhere, and in the
    Makefile's own help."""
    targets = makefile_targets()
    problems = []
    for path in FILES:
        source = text(path)
        pieces = [(m.start(), m.group(1)) for m in CODE_SPAN.finditer(source)]
        if path.suffix == ".md":
            pieces += [
                (m.start(), m.group(0)) for m in re.finditer(r"^```.*?^```", source, flags=re.M | re.S)
            ]
        if path.name == "Makefile":
            pieces += [(m.start(), m.group(1)) for m in re.finditer(r'@echo "(make \S+)', source)]
        for start, piece in pieces:
            for m in MAKE.finditer(piece):
                if m.group("target") not in targets:
                    problems.append(
                        f"{_where(path, source, start)}: make {m.group('target')}: no such target"
                    )
    return problems


def path_problems() -> list[str]:
    """Paths into the repository that README.md and docs/ write as code."""
    problems = []
    for path in PAGES:
        source = text(path)
        for m in CODE_SPAN.finditer(source):
            name = m.group(1)
            # What tests and benchmarks write (tests/output/board.png) is not in the tree.
            made = any((ROOT / name).is_relative_to(p) for p in SKIP_PATHS)
            if REPO_PATH.match(name) and not made and not (ROOT / name).exists():
                problems.append(f"{_where(path, source, m.start())}: {name} does not exist")
    return problems


def test_every_cited_page_and_section_exists():
    assert citation_problems() == []


def test_every_link_in_the_docs_lands():
    assert link_problems() == []


def test_every_make_target_named_exists():
    assert make_problems() == []


def test_every_repository_path_in_the_docs_exists():
    assert path_problems() == []


# The checks themselves, on made-up text: each must find what it is for.
@pytest.fixture
def page(tmp_path, monkeypatch):
    """A throw-away page under a fake repository top, checked as the real ones are."""
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "DOMAIN.md").write_text(f"# D\n\n## {SECTION_SIGN}1 One\n\n## {SECTION_SIGN}2 Two\n")
    (tmp_path / "docs" / "runbook.md").write_text("# R\n\n## Roll back\n\n```\n# Not a heading\n```\n")
    (tmp_path / "README.md").write_text("# x\n\n[Roll back](docs/runbook.md#roll-back)\n")
    (tmp_path / "Makefile").write_text(".PHONY: run\nrun:\n\t@true\nX := 1\n")

    def check(name: str, body: str) -> list[str]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
        monkeypatch.setattr(sys.modules[__name__], "FILES", [path])
        monkeypatch.setattr(sys.modules[__name__], "PAGES", [path] if path.suffix == ".md" else [])
        text.cache_clear()
        headings.cache_clear()
        return citation_problems() + link_problems() + make_problems() + path_problems()

    yield check
    text.cache_clear()
    headings.cache_clear()


def test_the_checks_accept_what_resolves(page):
    s = SECTION_SIGN
    assert (
        page(
            "deploy/x.sql",
            f'-- DOMAIN.md {s}1-{s}2; docs/runbook.md "Roll back"\n'
            '-- (README, "Roll back"); `make run DURATION=1`\n',
        )
        == []
    )
    assert (
        page(
            "docs/other.md",
            f"See {s}1? No: DOMAIN.md {s}2, [r](runbook.md#roll-back), "
            "`$(make -s run)`, `docs/runbook.md`.\n\n## §1 Here\n",
        )
        == []
    )


@pytest.mark.parametrize(
    "body, problem",
    [
        ("-- spec-live.md says so", "spec-live.md does not exist"),
        (f"-- DOMAIN.md {SECTION_SIGN}9", "has no section [9]"),
        (f"-- DOMAIN.md {SECTION_SIGN}2-{SECTION_SIGN}3", "has no section [3]"),
        (f"-- see {SECTION_SIGN}2", "names no page"),
        ('-- docs/runbook.md "Roll forward"', 'has no "Roll forward"'),
        ('-- README, "Upgrade"', 'has no "Upgrade"'),
        ('-- docs/runbook.md "Not a heading"', 'has no "Not a heading"'),
        ("# delete it with `make toolchain-clean`", "make toolchain-clean: no such target"),
    ],
)
def test_the_checks_find_what_does_not_resolve(page, body, problem):
    problems = page("scripts/x.sh", body + "\n")
    assert len(problems) == 1 and problem in problems[0], problems


@pytest.mark.parametrize(
    "body, problem",
    [
        ("[r](docs/runbok.md)", "no such file"),
        ("[r](docs/runbook.md#roll-forward)", "no such heading"),
        ("`tests/test_nothing.py`", "does not exist"),
        ("```sh\nmake bench\n```", "make bench: no such target"),
    ],
)
def test_the_page_checks_find_what_does_not_resolve(page, body, problem):
    problems = page("README.md", "# x\n\n" + body + "\n")
    assert any(problem in p for p in problems), problems
