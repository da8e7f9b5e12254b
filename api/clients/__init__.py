"""The command-line clients that talk to a running service over HTTP: `erhverv import-grants`
and `erhverv push-cases`. They share one HTTP layer and import no server code beyond schemas."""
