"""Generated code; regenerate with scripts/generate-clients.sh, do not edit."""
