"""The GitHub Action: read the event, decide whether to act, solve, and answer on the issue."""
