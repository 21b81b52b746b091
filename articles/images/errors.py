"""The one error this package raises, with a short code tests and reports can rely on."""


class ImageRejected(Exception):
    """An image we will not keep: ``code`` says why (``too_large``, ``not_an_image``...)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self):
        return f"{self.code}: {self.message}"
