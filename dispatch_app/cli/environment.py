"""``import`` and ``export``: the environment bundle (BUNDLE.md)."""
from __future__ import annotations

from pathlib import Path

from dispatch_app.cli.text import shown
from dispatch_app.services import environment


def add_arguments(name: str, parser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="bundle file (.yaml, .yml or .json)")
    if name == "import":
        parser.add_argument("--replace", action="store_true",
                            help="also remove what the bundle no longer lists")
        parser.add_argument("--strict", action="store_true",
                            help="refuse runbooks whose text looks like it holds a secret")
        parser.add_argument("--dry-run", action="store_true", help="check the bundle, change nothing")


def run(args, context) -> int:
    if args.command == "export":
        environment.export_bundle(context.db, args.file, actor=context.as_tech)
        if context.json:
            context.print_json({"exported": str(args.file)})
        else:
            print(f"Exported the environment to {args.file}")
        return 0
    report = environment.import_bundle(
        context.db, args.file, actor=context.as_tech,
        replace=args.replace, strict=args.strict, dry_run=args.dry_run,
    )
    if context.json:
        context.print_json(report.as_json())
    else:
        print("\n".join(shown(line) for line in report.describe().splitlines()))
    return 0
