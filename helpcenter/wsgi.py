import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpcenter.settings")

application = get_wsgi_application()

# The dictionaries spelling corrections consult, read as a worker starts rather than during
# a member's first search (0.7 s).
from django.conf import settings  # noqa: E402

from faq.search import known_words  # noqa: E402

for language, _name in settings.LANGUAGES:
    known_words(language)
