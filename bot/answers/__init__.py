"""Questions answered against Clustermarket: no Slack here, replies come from `bot.render`."""

from bot.answers.answerer import (
    QUESTION_TYPES,
    Answerer,
    Asker,
    Question,
    is_question,
)
from bot.answers.catalogue import Catalogue, CatalogueCache
from bot.answers.free_time import availability
from bot.render.reply import Reply

__all__ = [
    "QUESTION_TYPES",
    "Answerer",
    "Asker",
    "Catalogue",
    "CatalogueCache",
    "Question",
    "Reply",
    "availability",
    "is_question",
]
