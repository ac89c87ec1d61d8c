"""`cmbot demo`: the bot, the sandbox and a fake Slack in one process, driven from a prompt."""
