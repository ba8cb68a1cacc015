"""YAML files -> model; every error carries file:line:column and a hint."""
