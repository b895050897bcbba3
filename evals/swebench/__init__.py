"""SWE-bench harness: load instances and predictions, build environments offline, evaluate in the sandbox."""
