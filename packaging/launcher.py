"""Entry point of the packaged program: the same as the ``dispatch-app`` console script."""
from dispatch_app.cli.main import main

raise SystemExit(main())
