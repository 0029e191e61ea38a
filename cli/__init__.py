"""The command-line front: parses arguments, calls core services, prints the results."""
