"""GS1 EPC binary codec (EPC Tag Data Standard, TDS 2.x), in plain Python.

Decodes the hexadecimal EPC that an RFID reader reports into its GS1 fields,
its URIs, its GS1 element string and its GS1 Digital Link, and encodes those
fields back into exactly the same hexadecimal EPC, for SGTIN-96, SGTIN-198,
SSCC-96, SGLN-96, SGLN-195, GRAI-96, GRAI-170, GIAI-96 and GIAI-202 (TDS
section 14: headers, partition tables and binary layouts).

It imports nothing from Odoo, so that it can be used, tested and benchmarked
on its own. Decoding is the hot path (a reader reports hundreds of tags a
second per antenna): one ``int()`` of the hexadecimal string, shifts and masks
driven by a per-header decoder with its layout precomputed, and an immutable
tuple-based result whose URIs and GS1 strings are only computed when read.
"""

import re
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote

__all__ = [
    "DIGITAL_LINK_ROOT",
    "ERROR_CODES",
    "SCHEMES",
    "Epc",
    "EpcError",
    "decode",
    "encode",
    "parse_identity_uri",
    "parse_uri",
]

DIGITAL_LINK_ROOT = "https://id.gs1.org"

# Stable error codes of EpcError; the last two only come from encode() and
# parse_uri() input.
ERROR_CODES = frozenset(
    """
    invalid_hex too_short unknown_header unsupported_scheme invalid_partition
    company_prefix_out_of_range item_reference_out_of_range
    serial_reference_out_of_range location_reference_out_of_range
    asset_type_out_of_range reserved_bits_nonzero invalid_serial
    serial_out_of_range leading_zero_serial filter_out_of_range invalid_uri
    """.split()
)


class EpcError(ValueError):
    """An EPC that cannot be decoded, encoded or parsed.

    ``code`` is one of ``ERROR_CODES`` and never changes between versions, so
    that programs can branch on it. ``raw_uri`` is the EPC raw URI
    (``urn:epc:raw:96.x3074...``) of well-formed hexadecimal input that could
    not be decoded, so that the tag can still be recorded; None otherwise.
    ``scheme`` is the scheme named by the header or by the caller, if known.
    """

    def __init__(
        self,
        code: str,
        message: str,
        raw_uri: str | None = None,
        scheme: str | None = None,
    ):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.raw_uri = raw_uri
        self.scheme = scheme

    def __reduce__(self):
        return type(self), (self.code, self.message, self.raw_uri, self.scheme)


# TDS Table A-1: the 82 characters of GS1 AI encodable character set 82; each
# one is stored on 7 bits as its ASCII code. Seven of them are percent-escaped
# in EPC URIs.
_CHARSET = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
    "abcdefghijklmnopqrstuvwxyz"
)
_CHAR_CODES = frozenset(map(ord, _CHARSET))
_URI_ESCAPED = '"%&/<>?'
_URI_ESCAPE_TABLE = str.maketrans({c: f"%{ord(c):02X}" for c in _URI_ESCAPED})
_URI_UNESCAPES = {f"{ord(c):02X}": c for c in _URI_ESCAPED}
_URI_ESCAPE_RE = re.compile(r"%(.?.?)", re.DOTALL)

# Company prefix bits per partition value 0-6 (12 down to 6 digits), the
# same in every partition table of TDS section 14.
_COMPANY_PREFIX_BITS = (40, 37, 34, 30, 27, 24, 20)


def _partitions(bits, digits):
    """Partition table of a scheme whose company prefix and reference take
    ``bits`` bits and ``digits`` digits (or characters) together: per
    partition value, (company prefix bits, company prefix digits, reference
    bits, reference digits or characters)."""
    return tuple(
        (cp_bits, 12 - part, bits - cp_bits, digits - 12 + part)
        for part, cp_bits in enumerate(_COMPANY_PREFIX_BITS)
    )


_SGTIN_PARTITIONS = _partitions(44, 13)
_SSCC_PARTITIONS = _partitions(58, 17)
_SGLN_PARTITIONS = _partitions(41, 12)
_GRAI_PARTITIONS = _partitions(44, 12)
_GIAI96_PARTITIONS = _partitions(82, 25)
_GIAI202_PARTITIONS = _partitions(188, 30)


class _Scheme(NamedTuple):
    """Binary layout of a scheme: header (8 bits), filter (3), partition (3),
    company prefix and reference (per partition), serial, reserved bits."""

    name: str
    header: int
    kind: str  # the EPC URI type: sgtin, sscc, sgln, grai or giai
    partitions: tuple
    reference: str  # "digits" (zero-padded), "integer" or "string" (7-bit)
    serial: str | None  # "integer", "string" or None (no serial)
    serial_bits: int = 0
    serial_chars: int = 0
    reserved_bits: int = 0

    @property
    def bits(self):
        """Length of the binary encoding, before padding to 16-bit words."""
        cp_bits, _cp_digits, ref_bits, _size = self.partitions[0]
        return 14 + cp_bits + ref_bits + self.serial_bits + self.reserved_bits


_SPECS = (
    _Scheme("sgtin-96", 0x30, "sgtin", _SGTIN_PARTITIONS, "digits", "integer", 38),
    _Scheme("sscc-96", 0x31, "sscc", _SSCC_PARTITIONS, "digits", None, 0, 0, 24),
    _Scheme("sgln-96", 0x32, "sgln", _SGLN_PARTITIONS, "digits", "integer", 41),
    _Scheme("grai-96", 0x33, "grai", _GRAI_PARTITIONS, "digits", "integer", 38),
    _Scheme("giai-96", 0x34, "giai", _GIAI96_PARTITIONS, "integer", None),
    _Scheme("sgtin-198", 0x36, "sgtin", _SGTIN_PARTITIONS, "digits", "string", 140, 20),
    _Scheme("grai-170", 0x37, "grai", _GRAI_PARTITIONS, "digits", "string", 112, 16),
    _Scheme("giai-202", 0x38, "giai", _GIAI202_PARTITIONS, "string", None),
    _Scheme("sgln-195", 0x39, "sgln", _SGLN_PARTITIONS, "digits", "string", 140, 20),
)
SCHEMES = tuple(spec.name for spec in _SPECS)
_KINDS = {spec.name: spec.kind for spec in _SPECS}

# Headers that TDS 2.x assigns to schemes this codec does not decode, as
# runs of consecutive header values.
_OTHER_HEADERS = {
    header: name
    for first, names in (
        (0x2C, "gdti-96 gsrn-96 gsrnp-96 usdod-96"),
        (0x35, "gid-96"),
        (0x3A, "gdti-113 adi-var cpi-96 cpi-var gdti-174 sgcn-96 itip-110 itip-212"),
        (0xE6, "cpi++ gsrn++ gsrnp++ sgln++ gdti++ grai++ sgcn++ itip++ giai++ sscc++"),
        (0xF0, "cpi+ grai+ sgln+ itip+ gsrn+ gsrnp+ gdti+ sgtin+ sgcn+ sscc+ giai+"),
        (0xFB, "dsgtin+ dsgtin++ sgtin++"),
    )
    for header, name in enumerate(names.split(), first)
}

_REFERENCE_ERRORS = {
    "sgtin": ("item_reference_out_of_range", "item reference"),
    "sscc": ("serial_reference_out_of_range", "serial reference"),
    "sgln": ("location_reference_out_of_range", "location reference"),
    "grai": ("asset_type_out_of_range", "asset type"),
}
_GS1_AI = {"sgtin": "01", "sscc": "00", "sgln": "414", "grai": "8003", "giai": "8004"}


@lru_cache(maxsize=65536)
def _check_digit(digits):
    """GS1 mod-10 check digit: weights 3, 1, 3... from the rightmost digit
    (sums of ASCII codes, less 48 per digit, are faster than int() calls).
    Memoised: the keys of a batch's tags repeat (one GTIN for all the
    serials of a product), and a tag's key is read for its GTIN, element
    string and matching."""
    codes = digits.encode()
    odd, even = codes[-1::-2], codes[-2::-2]
    total = 3 * (sum(odd) - 48 * len(odd)) + sum(even) - 48 * len(even)
    return str(-total % 10)


def _uri_escape(text):
    return text if text.isalnum() else text.translate(_URI_ESCAPE_TABLE)


def _url_escape(text):
    """Percent-encode all but RFC 3986 unreserved characters (GS1 Digital
    Link path segments)."""
    return text if text.isalnum() else quote(text, safe="")


def _unescape_match(match):
    char = _URI_UNESCAPES.get(match.group(1).upper())
    if char is None:
        raise EpcError(
            "invalid_serial", f"{match.group(0)!r} is not an escape of TDS Table A-1"
        )
    return char


def _uri_unescape(text):
    return _URI_ESCAPE_RE.sub(_unescape_match, text) if "%" in text else text


def _gtin_like_key(epc):
    """GTIN-14 or SSCC-18: the reference's first digit (indicator or
    extension digit) goes before the company prefix, then a check digit."""
    body = epc.reference[:1] + epc.company_prefix + epc.reference[1:]
    return body + _check_digit(body)


def _gln_key(epc):
    body = epc.company_prefix + epc.reference
    return body + _check_digit(body)


def _grai_key(epc):
    """Value of AI (8003): a zero, the 13-digit GRAI, then the serial."""
    body = "0" + epc.company_prefix + epc.reference
    return body + _check_digit(body) + epc.serial


def _giai_key(epc):
    return epc.company_prefix + epc.reference


_GS1_KEYS = {
    "sgtin": _gtin_like_key,
    "sscc": _gtin_like_key,
    "sgln": _gln_key,
    "grai": _grai_key,
    "giai": _giai_key,
}


class _EpcFields(NamedTuple):
    scheme: str
    filter: int
    partition: int
    company_prefix: str
    reference: str
    serial: str | None


class Epc(_EpcFields):
    """A decoded EPC: immutable, hashable, comparable.

    ``reference`` is, as digits, the item reference with its indicator digit
    (SGTIN), the serial reference with its extension digit (SSCC), the
    location reference (SGLN) or the asset type (GRAI), and the individual
    asset reference for GIAI (characters for GIAI-202). ``serial`` is the
    serial number (SGTIN, GRAI), the GLN extension (SGLN, "0" for none), or
    None (SSCC, GIAI). The other attributes are computed when read.
    """

    __slots__ = ()

    @property
    def kind(self) -> str:
        """EPC URI type: sgtin, sscc, sgln, grai or giai."""
        return _KINDS[self.scheme]

    @property
    def _uri_body(self):
        body = f"{self.company_prefix}.{_uri_escape(self.reference)}"
        if self.serial is None:
            return body
        return f"{body}.{_uri_escape(self.serial)}"

    @property
    def pure_identity_uri(self) -> str:
        """EPC pure identity URI, e.g. urn:epc:id:sgtin:0614141.812345.6789."""
        return f"urn:epc:id:{self.kind}:{self._uri_body}"

    @property
    def tag_uri(self) -> str:
        """EPC tag URI, e.g. urn:epc:tag:sgtin-96:3.0614141.812345.6789."""
        return f"urn:epc:tag:{self.scheme}:{self.filter}.{self._uri_body}"

    @property
    def gs1_ai(self) -> str:
        """Application identifier of the GS1 key: 01, 00, 414, 8003, 8004."""
        return _GS1_AI[self.kind]

    @property
    def gs1_key(self) -> str:
        """Value of the GS1 key's AI, with its check digit (GTIN-14,
        SSCC-18, GLN-13, 0 + GRAI + serial, GIAI)."""
        return _GS1_KEYS[self.kind](self)

    @property
    def gtin14(self) -> str | None:
        """GTIN-14 of an SGTIN, None for the other schemes."""
        return self.gs1_key if self.kind == "sgtin" else None

    def _ai_values(self):
        """(AI, value) pairs of the GS1 element string, key first."""
        pairs = [(self.gs1_ai, self.gs1_key)]
        if self.kind == "sgtin":
            pairs.append(("21", self.serial))
        elif self.kind == "sgln" and self.serial != "0":
            pairs.append(("254", self.serial))
        return pairs

    @property
    def element_string(self) -> str:
        """GS1 element string, e.g. (01)80614141123458(21)6789."""
        return "".join(f"({ai}){value}" for ai, value in self._ai_values())

    @property
    def digital_link(self) -> str:
        """GS1 Digital Link URI on id.gs1.org, values percent-encoded."""
        path = "".join(f"/{ai}/{_url_escape(v)}" for ai, v in self._ai_values())
        return DIGITAL_LINK_ROOT + path

    def to_hex(self) -> str:
        """Encode this EPC back into its hexadecimal form."""
        return encode(
            self.scheme, self.filter, self.company_prefix, self.reference, self.serial
        )

    def to_dict(self) -> dict:
        """All fields and computed values, with the test vectors' key names."""
        return {
            "scheme": self.scheme,
            "filter": self.filter,
            "partition": self.partition,
            "company_prefix": self.company_prefix,
            "item_reference_or_location": self.reference,
            "serial": self.serial,
            "gtin14": self.gtin14,
            "gs1_ai": self.gs1_ai,
            "gs1_key": self.gs1_key,
            "element_string": self.element_string,
            "pure_identity_uri": self.pure_identity_uri,
            "tag_uri": self.tag_uri,
            "digital_link": self.digital_link,
        }


_new_tuple = tuple.__new__


# --- decoding -----------------------------------------------------------------


def _decode_string(field, bits, max_chars):
    """Characters of a 7-bit field: up to the first zero one, then only zero
    bits (TDS "String" decoding method)."""
    chars = []
    shift = bits - 7
    while shift >= 0 and field >> shift & 0x7F:
        code = field >> shift & 0x7F
        if code not in _CHAR_CODES:
            raise EpcError(
                "invalid_serial", f"7-bit value 0x{code:02X} is not in TDS Table A-1"
            )
        chars.append(code)
        shift -= 7
    if field & ((1 << (shift + 7)) - 1):
        raise EpcError("invalid_serial", "non-zero bits after the terminating zero")
    if not 0 < len(chars) <= max_chars:
        raise EpcError(
            "invalid_serial", f"{len(chars)} characters, 1 to {max_chars} allowed"
        )
    return bytes(chars).decode("ascii")


def _digits_reader(kind, digits, part):
    """Reader of a zero-padded decimal reference of ``digits`` digits."""
    code, label = _REFERENCE_ERRORS[kind]
    limit = 10**digits

    def read(field):
        if field >= limit:
            raise EpcError(
                code,
                f"{label} {field} does not fit in {digits} digits (partition {part})",
            )
        return str(field).zfill(digits) if digits else ""

    return read


def _reference_reader(spec, part):
    _cp_bits, _cp_digits, ref_bits, size = spec.partitions[part]
    if spec.reference == "digits":
        return _digits_reader(spec.kind, size, part)
    if spec.reference == "integer":
        return str
    return lambda field: _decode_string(field, ref_bits, size)


def _serial_reader(spec):
    if spec.serial == "integer":
        return str
    if spec.serial == "string":
        bits, chars = spec.serial_bits, spec.serial_chars
        return lambda field: _decode_string(field, bits, chars)
    return None


def _partition_rows(spec):
    """Per partition value: shift, mask, limit and digits of the company
    prefix, then shift, mask and reader of the reference."""
    low = spec.serial_bits + spec.reserved_bits
    cp_rows, ref_rows = [], []
    for part, (cp_bits, cp_digits, ref_bits, _size) in enumerate(spec.partitions):
        cp_rows.append((low + ref_bits, (1 << cp_bits) - 1, 10**cp_digits, cp_digits))
        ref_rows.append((low, (1 << ref_bits) - 1, _reference_reader(spec, part)))
    return tuple(cp_rows), tuple(ref_rows)


def _strip_padding(value, nbits, bits, name):
    """Drop the bits after the encoding (padding to a 16-bit word, or a
    larger EPC bank): they must be zero."""
    extra = nbits - bits
    if extra < 0:
        raise EpcError("too_short", f"{name} needs {bits} bits, got {nbits}")
    if value & ((1 << extra) - 1):
        raise EpcError(
            "reserved_bits_nonzero", f"padding bits after the {bits}-bit {name} are set"
        )
    return value >> extra


def _make_decoder(spec):
    """Decoder of one scheme: ``decoder(value, nbits) -> Epc``."""
    name, bits = spec.name, spec.bits
    cp_rows, ref_rows = _partition_rows(spec)
    filter_shift, partition_shift = bits - 11, bits - 14
    serial_shift, reserved_mask = spec.reserved_bits, (1 << spec.reserved_bits) - 1
    serial_mask, read_serial = (1 << spec.serial_bits) - 1, _serial_reader(spec)

    def decoder(value, nbits):
        if nbits != bits:
            value = _strip_padding(value, nbits, bits, name)
        part = value >> partition_shift & 7
        if part == 7:
            raise EpcError("invalid_partition", f"partition 7 is not valid for {name}")
        cp_shift, cp_mask, cp_limit, cp_digits = cp_rows[part]
        company_prefix = value >> cp_shift & cp_mask
        if company_prefix >= cp_limit:
            raise EpcError(
                "company_prefix_out_of_range",
                f"company prefix {company_prefix} does not fit in {cp_digits} "
                f"digits (partition {part})",
            )
        ref_shift, ref_mask, read_ref = ref_rows[part]
        reference = read_ref(value >> ref_shift & ref_mask)
        serial = read_serial and read_serial(value >> serial_shift & serial_mask)
        if value & reserved_mask:
            raise EpcError("reserved_bits_nonzero", f"{name} reserved bits are set")
        company = str(company_prefix).zfill(cp_digits)
        filter_value = value >> filter_shift & 7
        return _new_tuple(Epc, (name, filter_value, part, company, reference, serial))

    return decoder


_SPECS_BY_NAME = {spec.name: spec for spec in _SPECS}
_SPECS_BY_HEADER = {spec.header: spec for spec in _SPECS}
_DECODERS = {spec.header: _make_decoder(spec) for spec in _SPECS}
_HEX_MATCH = re.compile(r"[0-9A-Fa-f]+").fullmatch


def _raw_uri(hex_str):
    return f"urn:epc:raw:{len(hex_str) * 4}.x{hex_str.upper()}"


def _input_error(hex_str):
    if not isinstance(hex_str, str) or (hex_str and not _HEX_MATCH(hex_str)):
        return EpcError("invalid_hex", "input is not a hexadecimal string")
    if not hex_str:
        return EpcError("too_short", "empty EPC")
    header = int(hex_str, 16) >> (len(hex_str) * 4 - 8) if len(hex_str) > 1 else None
    raw_uri = _raw_uri(hex_str)
    if header is None:
        return EpcError("too_short", "an EPC starts with an 8-bit header", raw_uri)
    name = _OTHER_HEADERS.get(header)
    if name:
        message = f"header 0x{header:02X} ({name}) is not decoded here"
        return EpcError("unsupported_scheme", message, raw_uri, name)
    message = f"header 0x{header:02X} is not assigned to an EPC scheme"
    return EpcError("unknown_header", message, raw_uri)


def decode(hex_str: str) -> Epc:
    """Decode a hexadecimal EPC (upper or lower case, e.g. read from the EPC
    bank of a tag) into an ``Epc``.

    Bits after the scheme's length (padding to a 16-bit word, or a longer EPC
    bank) must be zero. Raises ``EpcError``; its ``raw_uri`` keeps the EPC
    raw URI of any well-formed hexadecimal input.
    """
    if not isinstance(hex_str, str) or not _HEX_MATCH(hex_str) or len(hex_str) < 2:
        raise _input_error(hex_str)
    nbits = len(hex_str) * 4
    value = int(hex_str, 16)
    decoder = _DECODERS.get(value >> (nbits - 8))
    if decoder is None:
        raise _input_error(hex_str)
    try:
        return decoder(value, nbits)
    except EpcError as error:
        error.raw_uri = _raw_uri(hex_str)
        error.scheme = _SPECS_BY_HEADER[value >> (nbits - 8)].name
        raise


# --- encoding -----------------------------------------------------------------


def _is_digits(text):
    return isinstance(text, str) and text.isascii() and text.isdigit()


def _encode_integer(text, bits):
    """A decimal serial or GIAI-96 asset reference: no leading zero, < 2**bits."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not _is_digits(text) or len(text) > 20:
        raise EpcError(
            "serial_out_of_range", f"{text!r} is not a number: use a longer scheme"
        )
    if len(text) > 1 and text[0] == "0":
        raise EpcError(
            "leading_zero_serial", f"{text!r} has a leading zero: use a longer scheme"
        )
    value = int(text)
    if value >> bits:
        raise EpcError("serial_out_of_range", f"{text} does not fit in {bits} bits")
    return value


def _encode_string(text, bits, max_chars):
    """Characters of TDS Table A-1, 7 bits each, padded with zero bits."""
    if not isinstance(text, str) or not text:
        raise EpcError("invalid_serial", f"{text!r} is not a non-empty string")
    invalid = sorted(set(text) - _CHARSET)
    if invalid:
        raise EpcError("invalid_serial", f"{invalid} are not in TDS Table A-1")
    if len(text) > max_chars:
        raise EpcError(
            "serial_out_of_range", f"{len(text)} characters, at most {max_chars}"
        )
    value = 0
    for char in text:
        value = value << 7 | ord(char)
    return value << (bits - 7 * len(text))


def _encode_reference(spec, reference, ref_bits, size):
    if spec.reference == "integer":
        return _encode_integer(reference, ref_bits)
    if spec.reference == "string":
        return _encode_string(reference, ref_bits, size)
    if reference == "" and size == 0:
        return 0
    if not _is_digits(reference) or len(reference) != size:
        code, label = _REFERENCE_ERRORS[spec.kind]
        raise EpcError(code, f"{label} {reference!r} is not {size} digits")
    return int(reference)


def _encode_serial(spec, serial):
    if spec.serial is None:
        if serial is not None:
            raise EpcError("invalid_serial", f"{spec.name} has no serial")
        return 0
    if serial is None:
        raise EpcError("invalid_serial", f"{spec.name} needs a serial")
    if spec.serial == "integer":
        return _encode_integer(serial, spec.serial_bits)
    return _encode_string(serial, spec.serial_bits, spec.serial_chars)


def _encode(spec, filter_value, company_prefix, reference, serial):
    if type(filter_value) is not int or not 0 <= filter_value <= 7:
        raise EpcError("filter_out_of_range", f"filter {filter_value!r} is not 0-7")
    if not _is_digits(company_prefix) or not 6 <= len(company_prefix) <= 12:
        raise EpcError(
            "company_prefix_out_of_range",
            f"company prefix {company_prefix!r} is not 6 to 12 digits",
        )
    part = 12 - len(company_prefix)
    cp_bits, _cp_digits, ref_bits, size = spec.partitions[part]
    value = (spec.header << 3 | filter_value) << 3 | part
    value = value << cp_bits | int(company_prefix)
    value = value << ref_bits | _encode_reference(spec, reference, ref_bits, size)
    value = value << spec.serial_bits | _encode_serial(spec, serial)
    width = -(-spec.bits // 16) * 16
    return f"{value << (width - spec.bits + spec.reserved_bits):0{width // 4}X}"


def _scheme_error(scheme):
    known = isinstance(scheme, str) and scheme in _OTHER_HEADERS.values()
    return EpcError(
        "unsupported_scheme",
        f"scheme {scheme!r} is not one of {', '.join(SCHEMES)}",
        scheme=scheme if known else None,
    )


def encode(
    scheme: str,
    filter: int = 0,
    company_prefix: str = "",
    reference: str = "",
    serial: str | int | None = None,
) -> str:
    """Encode GS1 fields into the hexadecimal EPC of ``scheme`` (upper case,
    padded to 16-bit words); ``decode()`` gives the same fields back.

    ``company_prefix`` (6 to 12 digits) selects the partition; ``reference``
    and ``serial`` are as in ``Epc`` (``serial`` None for SSCC and GIAI;
    an int is accepted for the serial of a 96-bit scheme). Raises ``EpcError``.
    """
    spec = _SPECS_BY_NAME.get(scheme) if isinstance(scheme, str) else None
    if spec is None:
        raise _scheme_error(scheme)
    try:
        return _encode(spec, filter, company_prefix, reference, serial)
    except EpcError as error:
        error.scheme = spec.name
        raise


# --- URIs ---------------------------------------------------------------------

_TAG_URI_RE = re.compile(r"urn:epc:tag:([^:]+):(.*)", re.DOTALL)
_RAW_URI_RE = re.compile(r"urn:epc:raw:([1-9][0-9]{0,5})\.x([0-9A-Fa-f]+)")


def _parse_raw_uri(uri):
    match = _RAW_URI_RE.fullmatch(uri)
    if not match or -(-int(match.group(1)) // 4) != len(match.group(2)):
        raise EpcError("invalid_uri", f"{uri!r} is not a hexadecimal EPC raw URI")
    return decode(match.group(2))


def _tag_uri_fields(spec, body):
    """Filter, company prefix, reference and serial of a tag URI body; the
    last component may itself contain dots."""
    count = 4 if spec.serial else 3
    parts = body.split(".", count - 1)
    if len(parts) != count:
        raise EpcError("invalid_uri", f"{spec.name} tag URIs have {count} components")
    if len(parts[0]) != 1 or parts[0] not in "01234567":
        raise EpcError("filter_out_of_range", f"filter {parts[0]!r} is not 0-7")
    serial = _uri_unescape(parts[3]) if spec.serial else None
    return int(parts[0]), parts[1], _uri_unescape(parts[2]), serial


def parse_uri(uri: str) -> Epc:
    """Parse an EPC tag URI (``urn:epc:tag:sgtin-96:3.0614141.812345.6789``,
    as scanned from a barcode or typed) or a hexadecimal EPC raw URI
    (``urn:epc:raw:96.x3074...``) into an ``Epc``, validated as ``encode()``
    does. Pure identity URIs carry no filter nor size: they are refused.
    Raises ``EpcError``.
    """
    if not isinstance(uri, str):
        raise EpcError("invalid_uri", f"{uri!r} is not a string")
    uri = uri.strip()
    if uri.startswith("urn:epc:raw:"):
        return _parse_raw_uri(uri)
    match = _TAG_URI_RE.fullmatch(uri)
    if not match:
        raise EpcError("invalid_uri", f"{uri[:80]!r} is not an EPC tag URI")
    spec = _SPECS_BY_NAME.get(match.group(1))
    if spec is None:
        raise _scheme_error(match.group(1))
    try:
        fields = _tag_uri_fields(spec, match.group(2))
    except EpcError as error:
        error.scheme = spec.name
        raise
    return decode(encode(spec.name, *fields))


_ID_URI_RE = re.compile(r"urn:epc:id:([a-z]+):(.*)", re.DOTALL)


def parse_identity_uri(uri: str) -> Epc:
    """Parse an EPC pure identity URI (``urn:epc:id:sgtin:0614141.812345.6789``)
    into the ``Epc`` of the smallest scheme of its type that can encode it,
    with filter 0: identifying, not a tag to write. Raises ``EpcError``."""
    if not isinstance(uri, str) or not (match := _ID_URI_RE.fullmatch(uri.strip())):
        raise EpcError("invalid_uri", f"{str(uri)[:80]!r} is not an EPC identity URI")
    specs = [spec for spec in _SPECS if spec.kind == match.group(1)]
    if not specs:
        raise _scheme_error(match.group(1))
    error = None
    for spec in specs:
        try:
            fields = _tag_uri_fields(spec, f"0.{match.group(2)}")
            return decode(encode(spec.name, *fields))
        except EpcError as spec_error:
            error = error or spec_error
    raise error
