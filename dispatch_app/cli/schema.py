"""``schema``: the JSON Schema of the bundle format, for editors' completion and checks."""
from __future__ import annotations

from dispatch_app.services import schema


def add_arguments(name: str, parser) -> None:
    parser.add_argument("--out", "-o", metavar="FILE",
                        help=f"write the schema to this file (default: standard output); name it {schema.SCHEMA_FILE} "
                             "beside a bundle, which an exported YAML bundle's first line refers to")


def run(args, context) -> int:
    if not args.out:
        print(schema.schema_text(), end="")
        return 0
    schema.write_schema(args.out)
    if context.json:
        context.print_json({"written": args.out})
    else:
        print(f"Wrote the bundle's JSON Schema to {args.out}")
    return 0
