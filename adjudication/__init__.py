"""The claim workflow: states, assignment, hearings, decisions, review, appeals."""
