"""Response headers that Django and the packages we use have no setting for."""


class CrossOriginResourcePolicyMiddleware:
    """Only our own pages may load our responses as images, scripts or styles, so another
    site cannot pull an admin page into its process (Spectre-class leaks)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
