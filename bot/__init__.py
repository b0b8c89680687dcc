"""Kindred Desk assistant core: settings, HR/IT data store, NLU components and command line."""
