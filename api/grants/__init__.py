"""Grant inflows from Erhvervshus Sjælland: programmes, grants, and their import."""
