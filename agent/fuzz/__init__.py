"""Documentation-guided fuzzing of deep-learning APIs (DocTer's pipeline): constraints, inputs, runs, findings."""
