"""assessment: ability and care-needs assessment (GB/T 42195-2022, MZ/T 039-2013, LTC 2021)."""
