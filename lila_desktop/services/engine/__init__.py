"""The engine process: neonize (or the simulated WhatsApp) lives here, never in the GUI.

A Go panic in neonize aborts its whole process (NEONIZE_NOTES.md hazard 3),
so the pool runs it in a child process and restarts it when it dies.
"""
