"""Talking to Clustermarket: OAuth, the typed API client and its models. No Slack here."""
