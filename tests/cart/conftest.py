from tests.register.helpers import redis_commands  # noqa: F401  a fixture, used by name
