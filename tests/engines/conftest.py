from tests.register.helpers import fast_password_hashing, redis_commands  # noqa: F401  fixtures
