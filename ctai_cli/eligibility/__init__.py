"""Eligibility of a person to the CTAI publics (EPA, BPI, BPT) on a date, with the reasons."""
