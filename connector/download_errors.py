"""The downloader's errors: one type per refusal, each also a connector error that says whether to retry.

Policy refusals are `FatalCrmError`s (the job fails at once, `fatal_not_retried`), transient failures
`RetryableCrmError`s (RQ retries with backoff); `DownloadError` catches them all.
"""

from __future__ import annotations

from connector.base import FatalCrmError, RetryableCrmError


class DownloadError(Exception):
    """Marker base of every downloader failure (combined with the connector error that says whether to retry)."""


class DownloadRefused(DownloadError, FatalCrmError):
    """The policy or the response rules this recording out; retrying cannot help."""

    slug = "download.refused"


class MalformedUrl(DownloadRefused):
    slug = "download.malformed_url"


class SchemeRefused(DownloadRefused):
    slug = "download.scheme_refused"


class HostNotAllowed(DownloadRefused):
    slug = "download.host_not_allowed"


class AddressRefused(DownloadRefused):
    slug = "download.address_refused"


class PrivateAddressRefused(AddressRefused):
    slug = "download.private_address"


class MetadataAddressRefused(AddressRefused):
    slug = "download.metadata_address"


class TooManyRedirects(DownloadRefused):
    slug = "download.too_many_redirects"


class TooLarge(DownloadRefused):
    slug = "download.too_large"


class UnexpectedContent(DownloadRefused):
    slug = "download.unexpected_content"


class EmptyDownload(UnexpectedContent):
    slug = "download.empty"


class TlsRefused(DownloadRefused):
    slug = "download.tls"


class BadStatus(DownloadRefused):
    slug = "download.bad_status"


class DownloadFailed(DownloadError, RetryableCrmError):
    """A transient failure (timeout, refused connection, 429/5xx): the job may try again later."""

    slug = "download.failed"


class ResolveFailed(DownloadFailed):
    slug = "download.resolve_failed"


class ConnectFailed(DownloadFailed):
    slug = "download.connect_failed"


class ReadTimedOut(DownloadFailed):
    slug = "download.read_timeout"


class DeadlineExceeded(DownloadFailed):
    slug = "download.deadline"


class ServerBusy(DownloadFailed):
    slug = "download.server_busy"
