"""The one esglens exception tree. Messages say what failed, where, and what to do.

    EsglensError
    ├── InputError               the report cannot be read
    │   ├── NotFoundError        no such file, a directory, a device or FIFO, a URL
    │   ├── NotAPDFError         the bytes are not a PDF
    │   ├── UnreadablePDFError   truncated or corrupt
    │   ├── EncryptedPDFError    needs a (different) password
    │   ├── EmptyPDFError        zero pages
    │   ├── TooLargeError        more pages than the limit
    │   ├── NoTextError          no text layer and OCR unavailable
    │   └── EngineCrashError     the PDF engine died on the file (a signal, in the sandbox)
    ├── ResourceLimitError       a per-report limit stopped the work (guard/)
    │   ├── TimeLimitError       wall or CPU time ran out (--timeout)
    │   └── MemoryLimitError     the PDF engine hit its memory cap (--max-memory)
    ├── OutputError              the output folder cannot be written as asked
    ├── ConfigError              bad option, missing extra or endpoint
    ├── StoreError               the corpus store is locked, foreign or of another schema
    └── LLMError                 the optional LLM endpoint failed

The library raises these and never prints; ``cli.py`` turns them into ``Error: …`` and exit 1.
"""

from __future__ import annotations


class EsglensError(Exception):
    """Base of every error esglens raises on purpose."""


class InputError(EsglensError):
    """The input report cannot be read."""


class NotFoundError(InputError):
    """The path does not exist or is not a regular file."""


class NotAPDFError(InputError):
    """The file does not start like a PDF."""


class UnreadablePDFError(InputError):
    """The PDF is truncated or damaged beyond what the parser repairs."""


class EncryptedPDFError(InputError):
    """The PDF is encrypted and no (correct) password was given."""


class EmptyPDFError(InputError):
    """The PDF has no pages."""


class TooLargeError(InputError):
    """The PDF has more pages than the configured limit."""


class NoTextError(InputError):
    """No page has text and OCR could not supply any."""


class EngineCrashError(InputError):
    """The PDF engine (pdfium, in its sandboxed child process) crashed on this file.

    ``frames`` names the Python functions on the crashed stack (from faulthandler), innermost
    first, so a caller can retry without the step that crashed.
    """

    frames: tuple[str, ...] = ()


class ResourceLimitError(EsglensError):
    """A per-report resource limit (time, memory) stopped the work; the message names it."""


class TimeLimitError(ResourceLimitError):
    """Reading or analysing took longer than the per-document limit."""


class MemoryLimitError(ResourceLimitError):
    """Reading needed more memory than the sandbox allows (a decompression bomb, usually)."""


class OutputError(EsglensError):
    """The output folder is a file, not writable, or holds files esglens did not write."""


class ConfigError(EsglensError):
    """A bad option, a missing optional extra, or an unusable setting."""


class StoreError(EsglensError):
    """The corpus store cannot be opened: in use, not an esglens store, or another schema version."""


class LLMError(EsglensError):
    """The optional LLM endpoint failed or answered nonsense."""
