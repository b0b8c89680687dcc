"""Multi-turn forms: leave requests, meetings, expense claims and the identity check for IT."""
