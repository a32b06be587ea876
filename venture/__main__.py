"""`python -m venture ...` is the same as the `venture` command."""

from venture.cli import main

main()
