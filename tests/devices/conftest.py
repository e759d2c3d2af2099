from tests.register.helpers import fast_password_hashing  # noqa: F401
