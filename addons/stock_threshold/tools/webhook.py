"""Signed webhook delivery, with no ORM: signing, posting and backoff.

The receiver checks a delivery by computing
``hex(HMAC-SHA256(secret, "<timestamp>.<body>"))`` and comparing it, in
constant time, with the ``X-Stock-Alert-Signature`` header (``sha256=<hex>``);
it should also refuse timestamps too far from its clock (replays) and
deliveries whose ``Idempotency-Key`` it has already processed (retries).
"""

import hashlib
import hmac

import requests

SIGNATURE_HEADER = "X-Stock-Alert-Signature"
TIMESTAMP_HEADER = "X-Stock-Alert-Timestamp"
EVENT_HEADER = "X-Stock-Alert-Event"
IDEMPOTENCY_HEADER = "Idempotency-Key"
# Transient answers worth another try; other 4xx say the request itself is
# refused, which a retry will not change.
RETRYABLE_CLIENT_CODES = (408, 409, 425, 429)


def sign(secret, timestamp, body):
    """Hex HMAC-SHA256 of ``"<timestamp>.<body>"`` with the secret."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret, timestamp, body, signature):
    """Whether a ``sha256=<hex>`` signature header matches (for receivers)."""
    expected = f"sha256={sign(secret, timestamp, body)}"
    return hmac.compare_digest(expected, signature or "")


def get_headers(secret, timestamp, body, event, key):
    """The headers of one delivery attempt."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "Odoo-Stock-Threshold-Webhook",
        TIMESTAMP_HEADER: str(timestamp),
        EVENT_HEADER: event,
        IDEMPOTENCY_HEADER: key,
        SIGNATURE_HEADER: f"sha256={sign(secret, timestamp, body)}",
    }


def post(url, body, headers, timeout):
    """POST once; ``(status code or 0, error text or None)``, never raises
    for network errors."""
    try:
        response = requests.post(
            url, data=body, headers=headers, timeout=timeout, allow_redirects=False
        )
    except requests.RequestException as error:
        return 0, f"{type(error).__name__}: {error}"
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}: {response.text[:500]}"


def is_retryable(code):
    """Network errors (code 0), server errors and transient client codes."""
    return code == 0 or code >= 500 or code in RETRYABLE_CLIENT_CODES


def get_backoff(attempt, base=60, cap=6 * 3600):
    """Seconds before the next try after ``attempt`` failed tries:
    base, 2 base, 4 base... capped."""
    return min(base * 2 ** max(attempt - 1, 0), cap)
