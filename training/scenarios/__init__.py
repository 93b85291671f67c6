"""Practice scenarios: packaged JSON files, checked against a schema when loaded.

A scenario is a small commission in a file: claims (parcel, parties, evidence to
generate, and optionally a history to play before the trainee starts), and a model
answer that says which candidate pairs are real conflicts, how each claim should end,
which deadlines and letters matter, and what each item is worth.

- `training.scenarios.model`: the scenario as frozen records; each claim's facts are
  the intake's own input record (`claims.domain.ClaimInput`), ready to register.
- `training.scenarios.schema`: the JSON Schema, built on first use from the domain's
  enums and the configured vocabulary (reason codes, provisions, currencies), so a
  scenario can only name outcomes, actions and reasons that exist.
- `training.scenarios.loading`: reading, checking and building; the packaged files in
  `training/scenario_files/` are loaded once per process.
"""
