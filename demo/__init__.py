"""The demo commission behind `flask seed-demo`: offices, staff with known passwords
(`people`), claims with planted conflicts (`claims`) and their histories through the
workflow (`histories`). It sits beside the domain packages and uses only their verbs, so
nothing in the demo can do what the application could not.
"""
