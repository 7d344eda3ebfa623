"""One module per verb. Each ``run(...)`` takes plain values, calls the core and returns an exit code."""
