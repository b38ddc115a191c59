"""``lossviz-course``: the course's coursework from the command line.

Instructors (run from the course's folder, or pass --course and --notebooks)::

    lossviz-course generate [NOTEBOOK ...]             student versions -> coursework/release/
    lossviz-course collect STUDENT PATH ...             a student's notebooks -> coursework/submitted/
    lossviz-course autograde [NOTEBOOK ...] [--student ID ...] [--jobs N] [--timeout S] [--memory 2G] [--no-sandbox]
    lossviz-course feedback [NOTEBOOK ...] [--student ID ...]    HTML -> coursework/feedback/
    lossviz-course export [--to grades.csv]
    lossviz-course check [NOTEBOOK ...]                 the solutions pass every test, blank answers fail it

Learners::

    lossviz-course student [NOTEBOOK ...] [--out student] [--force]

A NOTEBOOK is named by its number (``03``), its name or the start of it (``03_backprop``),
or its path; none means every notebook.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Sequence

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    from .sandbox import Limits, parse_size

    defaults = Limits()
    parser = argparse.ArgumentParser(prog="lossviz-course", description="The lossviz course's coursework: nbgrader assignments, graded with each submission in a sandbox.")
    parser.add_argument("--course", type=Path, default=Path("coursework"), help="the nbgrader course folder (default: ./coursework)")
    parser.add_argument("--notebooks", type=Path, default=Path("notebooks"), help="the instructor's notebooks (default: ./notebooks)")
    commands = parser.add_subparsers(dest="command", required=True)
    notebook_help = "notebooks by number (03), name or its start (03_backprop), or path; default: all"

    command = commands.add_parser("generate", help="instructor: student versions into coursework/release/")
    command.add_argument("notebooks_named", nargs="*", metavar="NOTEBOOK", help=notebook_help)

    command = commands.add_parser("collect", help="instructor: copy a student's notebooks into coursework/submitted/")
    command.add_argument("student", help="the student's id: letters, digits, '_', '.', '-'")
    command.add_argument("paths", nargs="+", type=Path, help="the student's notebooks, or folders holding them")

    command = commands.add_parser("autograde", help="instructor: grade submitted notebooks, each in a sandbox")
    command.add_argument("notebooks_named", nargs="*", metavar="NOTEBOOK", help=notebook_help)
    command.add_argument("--student", action="append", default=[], help="only this student (repeatable)")
    command.add_argument("--jobs", "-j", type=int, help="notebooks graded at once (default: the number of cores)")
    command.add_argument("--timeout", type=float, default=defaults.timeout, help=f"seconds a cell or one call of an answer may run (default: {defaults.timeout:g})")
    command.add_argument("--memory", type=parse_size, default=defaults.memory, help="memory of one sandbox, e.g. 2G or 512M (default: 2G)")
    command.add_argument("--cpu", type=int, default=defaults.cpu_seconds, help=f"CPU seconds per sandbox process (default: {defaults.cpu_seconds})")
    command.add_argument("--processes", type=int, default=defaults.processes, help=f"processes and threads in a sandbox (default: {defaults.processes})")
    command.add_argument("--no-sandbox", action="store_true", help="run learners' code as a plain child process (no isolation from your files)")

    command = commands.add_parser("feedback", help="instructor: HTML feedback into coursework/feedback/")
    command.add_argument("notebooks_named", nargs="*", metavar="NOTEBOOK", help=notebook_help)
    command.add_argument("--student", action="append", default=[], help="only this student (repeatable)")

    command = commands.add_parser("export", help="instructor: every student's scores to a CSV file")
    command.add_argument("--to", type=Path, help="the CSV file (default: coursework/grades.csv)")

    command = commands.add_parser("check", help="author: each exercise's tests pass its solution and fail a blank answer")
    command.add_argument("notebooks_named", nargs="*", metavar="NOTEBOOK", help=notebook_help)
    command.add_argument("--jobs", "-j", type=int, help="notebooks checked at once (default: the number of cores)")
    command.add_argument("--no-sandbox", action="store_true", help="run the solutions as a plain child process")

    command = commands.add_parser("student", help="learner: student versions (no solutions) into ./student")
    command.add_argument("notebooks_named", nargs="*", metavar="NOTEBOOK", help=notebook_help)
    command.add_argument("--out", type=Path, default=Path("student"), help="folder for the student notebooks (default: ./student)")
    command.add_argument("--force", action="store_true", help="overwrite student notebooks that already exist (loses your answers)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from . import course
    from .sandbox import Limits

    args = _parser().parse_args(argv)
    # nbgrader 0.9.6's gradebook trips SQLAlchemy 2's session warnings; they are not the user's concern.
    warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session")
    root = args.course

    def assignments(names: Sequence[str]) -> list[str]:
        return [nb.stem for nb in course.find_notebooks(names, args.notebooks)] if names else []

    try:
        if args.command == "generate":
            for released in course.generate(course.find_notebooks(args.notebooks_named, args.notebooks), root):
                print(f"student version: {released}")
        elif args.command == "collect":
            for submitted in course.collect(args.student, args.paths, root):
                print(f"collected: {submitted}")
        elif args.command == "autograde":
            limits = Limits(timeout=args.timeout, memory=args.memory, cpu_seconds=args.cpu, processes=args.processes)
            outcomes = course.autograde(
                root, students=args.student, assignments=assignments(args.notebooks_named), jobs=args.jobs,
                sandbox=not args.no_sandbox, limits=limits, progress=lambda outcome: print(outcome, flush=True),
            )
            if not outcomes:
                print("nothing to grade: collect submissions first", file=sys.stderr)
                return 1
            ungradable = [outcome for outcome in outcomes if not outcome.graded]
            print(f"\n{len(outcomes) - len(ungradable)} graded, {len(ungradable)} could not be graded"
                  + (" (listed above with their causes)" if ungradable else ""))
            return 1 if ungradable else 0
        elif args.command == "feedback":
            for page in course.feedback(root, students=args.student, assignments=assignments(args.notebooks_named)):
                print(f"feedback: {page}")
        elif args.command == "export":
            print(f"grades: {course.export(root, args.to)}")
        elif args.command == "check":
            reports = course.check(course.find_notebooks(args.notebooks_named, args.notebooks), jobs=args.jobs, sandbox=not args.no_sandbox)
            bad = 0
            for name, report in reports.items():
                found = course.problems(report)
                bad += bool(found)
                exercises = len(report["solutions"].get("tests", {}))
                print(f"{name}: " + ("; ".join(found) if found else f"{exercises} test cells: the solutions pass, blank answers fail"))
            return 1 if bad else 0
        elif args.command == "student":
            written, kept = course.student(course.find_notebooks(args.notebooks_named, args.notebooks), args.out, force=args.force)
            for path in written:
                print(f"student version: {path}")
            for path in kept:
                print(f"kept (has your work; --force overwrites): {path}")
    except (course.CourseworkError, ValueError) as error:
        print(f"lossviz-course: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
