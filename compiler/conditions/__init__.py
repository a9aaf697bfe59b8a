"""The condition language: AST, parsing from spec data, sugar expansion and evaluation."""
