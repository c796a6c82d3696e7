#!/usr/bin/env python
import os
import sys
import threading


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpcenter.settings")
    from django.core.management import execute_from_command_line

    from helpcenter.command_errors import connection_failure, one_line

    # runserver checks migrations in a thread of its own.
    thread_hook = threading.excepthook

    def one_line_in_threads(args):
        if message := connection_failure(args.exc_value):
            print(message, file=sys.stderr)
        else:
            thread_hook(args)

    threading.excepthook = one_line_in_threads
    try:
        execute_from_command_line(sys.argv)
    except Exception as error:
        if message := one_line(error):
            sys.exit(message)
        raise


if __name__ == "__main__":
    main()
