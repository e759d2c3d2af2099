"""Benchmarks: the session pages at scale (bench_sessions), what each engine costs
(bench_engines)."""

REDIS_PREFIX = "shop-bench-engines"  # every Redis key the engine benchmark writes starts so
