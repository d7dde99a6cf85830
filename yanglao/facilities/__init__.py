"""facilities: institutions and community facilities, beds, the elderly-care map and coverage (issue 5).

So far only the pure parts exist: coordinates (geo.py) and coverage analysis (coverage.py)."""
