"""The organisation (sites, teams, agents) and the scorecards computed for it."""
