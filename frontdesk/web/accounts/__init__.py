"""People and roles: who is signed in and what part of the organisation they answer for."""
