"""Custom actions of the Kindred Desk assistant (run by the rasa-sdk action server).

Importing this package does no I/O: the data store is opened on first use (see ``runtime``).
"""
