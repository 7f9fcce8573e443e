"""The errors designcrew raises; front ends turn each into one readable line.

Exception tree::

    DesignCrewError                 base: every error a user can cause or meet
    ├── InputError                  the requirements cannot be read (empty, binary, huge, ...)
    │   └── FrontMatterError        the YAML front matter is malformed
    ├── ImplausibleNumberError      a number in the requirements is impossible (negative, absurd)
    ├── KnowledgeBaseError          a knowledge-base file is missing or malformed
    ├── ConfigError                 settings, flags or a config file are wrong
    ├── ModelError                  the language model failed
    │   ├── ModelAuthError          401/403/404: wrong key, URL or model name (never retried)
    │   ├── ModelUnavailableError   timeouts, 429, 5xx after every retry
    │   └── OutputValidationError   the reply never validated after every repair attempt
    ├── BudgetExceededError         the next call would exceed the spend cap
    └── RunNotFoundError            --resume names a run that does not exist
"""

from __future__ import annotations


class DesignCrewError(Exception):
    """Base class for every error designcrew reports to a user."""

    exit_code: int = 1

    def one_line(self) -> str:
        """The error as the single line a front end shows."""
        text = " ".join(str(self).split())
        return f"{type(self).__name__}: {text}" if text else type(self).__name__


class InputError(DesignCrewError):
    """The requirements cannot be read: empty, binary, not UTF-8, too large, missing."""

    exit_code = 2


class FrontMatterError(InputError):
    """The YAML front matter of a requirement file is malformed."""


class ImplausibleNumberError(InputError):
    """A number in the requirements is impossible (negative users, 10^30 QPS, ...)."""


class KnowledgeBaseError(DesignCrewError):
    """A knowledge-base data file is missing or does not match its schema."""


class ConfigError(DesignCrewError):
    """Settings, command-line flags or a configuration file are invalid."""

    exit_code = 2


class ModelError(DesignCrewError):
    """The language model could not produce a usable answer."""


class ModelAuthError(ModelError):
    """The server refused the key, URL or model name (401/403/404); retrying cannot help."""


class ModelUnavailableError(ModelError):
    """Timeouts, rate limits or server errors persisted through every retry."""


class OutputValidationError(ModelError):
    """The model's reply never validated against the artefact, after every repair attempt."""

    def __init__(self, message: str, *, attempts: int, last_error: str) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_error = last_error


class BudgetExceededError(DesignCrewError):
    """The next model call would take the run over its spend cap."""

    exit_code = 3


class RunNotFoundError(DesignCrewError):
    """`--resume RUN_ID` names a run that has no checkpoint."""

    exit_code = 2
