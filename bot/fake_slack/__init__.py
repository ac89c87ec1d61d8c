"""A local fake of Slack: its Web API (`FakeSlack`) and its requests to the bot (`SlackRequester`).

Tests and the offline demo run the bot's real slack-sdk and Bolt code against these, so
nothing here imports Bolt: the fake plays Slack, and the bot cannot tell the difference.
"""

from bot.fake_slack.requester import SlackRequester, sign
from bot.fake_slack.server import Call, FakeSlack, Message, ResponseUrlPost

__all__ = ["Call", "FakeSlack", "Message", "ResponseUrlPost", "SlackRequester", "sign"]
