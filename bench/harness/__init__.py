"""Support shared by the tests and the benchmarks (bench imports nothing from tests).

`app_process.AppProcess` is the one way to start the real app as a
subprocess and follow its JSON log (e2e, packaging, chaos, soak and bench).
"""
