"""Response headers that Django and the packages we use have no setting for."""

from django.middleware.locale import LocaleMiddleware


class CrossOriginResourcePolicyMiddleware:
    """Only our own pages may load our responses as images, scripts or styles, so another
    site cannot pull an admin page into its process (Spectre-class leaks)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class AddressLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, without `Vary: Accept-Language`.

    The address alone decides a page's language (English without a prefix, /es/ for
    Spanish), so a response never depends on the browser's languages. Django adds the Vary
    to every unprefixed page anyway, which would make a CDN keep one copy of each English
    page per Accept-Language value a browser sends.
    """

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if vary := response.headers.get("Vary"):
            kept = [v.strip() for v in vary.split(",") if v.strip().lower() != "accept-language"]
            if kept:
                response.headers["Vary"] = ", ".join(kept)
            else:
                del response.headers["Vary"]
        return response
