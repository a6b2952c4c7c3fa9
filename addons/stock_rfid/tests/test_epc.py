"""GS1 EPC codec (lib/epc.py): the shared test vectors, our own vectors for the
long schemes and for every error code, behaviours, and property tests."""

import ast
import json
import pickle
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, TransactionCase
from odoo.tools.barcode import get_barcode_check_digit

from odoo.addons.stock_rfid.lib import epc

DATA = Path(__file__).parent / "data"
FIELDS = (
    "scheme",
    "filter",
    "partition",
    "company_prefix",
    "item_reference_or_location",
    "serial",
    "gtin14",
    "gs1_ai",
    "gs1_key",
    "element_string",
    "pure_identity_uri",
    "tag_uri",
    "digital_link",
)
PROPERTIES = settings(max_examples=200, deadline=None, database=None)
# Our vectors, in the shared file's format: SGLN-195, GRAI-170 and GIAI-202,
# and the error codes (and cases) that the shared file lacks. Constructed bit
# by bit from the TDS layouts, or taken from epcpy's tests; epcpy decodes the
# valid ones to the same URIs and element strings.
OWN_VECTORS = "epc_own_vectors.json"

# Strings that int(x, 16) accepts but that are not hexadecimal EPCs.
NOT_HEX = [
    "0x3074257BF7194E4000001A85",
    " 3074257BF7194E4000001A85",
    "3074257BF7194E4000001A85\n",
    "3074_257BF7194E4000001A85",
    "+3074257BF7194E4000001A85",
    "\uff13074257BF7194E4000001A85",  # full-width digit three
    b"3074257BF7194E4000001A85",
    None,
]
# TDS partition tables as printed, per partition value 0-6: (company prefix
# bits, reference bits). The company prefix has 12 - partition digits, the
# reference REFERENCE_SIZES + partition digits (characters for GIAI-202).
TDS_TABLES = {
    "sgtin": ((40, 4), (37, 7), (34, 10), (30, 14), (27, 17), (24, 20), (20, 24)),
    "sscc": ((40, 18), (37, 21), (34, 24), (30, 28), (27, 31), (24, 34), (20, 38)),
    "sgln": ((40, 1), (37, 4), (34, 7), (30, 11), (27, 14), (24, 17), (20, 21)),
    "grai": ((40, 4), (37, 7), (34, 10), (30, 14), (27, 17), (24, 20), (20, 24)),
    "giai-96": ((40, 42), (37, 45), (34, 48), (30, 52), (27, 55), (24, 58), (20, 62)),
    "giai-202": (
        (40, 148),
        (37, 151),
        (34, 154),
        (30, 158),
        (27, 161),
        (24, 164),
        (20, 168),
    ),
}
REFERENCE_SIZES = {
    "sgtin": 1,
    "sscc": 5,
    "sgln": 0,
    "grai": 0,
    "giai-96": 13,
    "giai-202": 18,
}
# Serial of each scheme: (type, bits or maximum characters).
SERIALS = {
    "sgtin-96": ("integer", 38),
    "sgtin-198": ("string", 20),
    "sscc-96": None,
    "sgln-96": ("integer", 41),
    "sgln-195": ("string", 20),
    "grai-96": ("integer", 38),
    "grai-170": ("string", 16),
    "giai-96": None,
    "giai-202": None,
}
CHARSET_82 = (
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
    "abcdefghijklmnopqrstuvwxyz"
)


def load_vectors(name="epc_vectors.json"):
    """Vectors of tests/data: the shared file (a copy, kept as is) or ours."""
    return json.loads((DATA / name).read_text())


def valid_vectors():
    """The valid vectors of both files."""
    vectors = load_vectors() + load_vectors(OWN_VECTORS)
    return [vector for vector in vectors if vector["valid"]]


def table_of(scheme):
    kind = scheme.split("-")[0]
    return scheme if kind == "giai" else kind


def encode_fields(fields):
    """encode() arguments of a vector or of a decoded Epc's to_dict()."""
    return {
        "filter": fields["filter"],
        "company_prefix": fields["company_prefix"],
        "reference": fields["item_reference_or_location"],
        "serial": fields["serial"],
    }


class TestEpcVectors(BaseCase):
    """Every vector, field by field, and every round trip."""

    def assert_valid(self, vector):
        decoded = epc.decode(vector["hex"])
        self.assertEqual(decoded.to_dict(), {key: vector[key] for key in FIELDS})
        fields = encode_fields(vector)
        self.assertEqual(epc.encode(vector["scheme"], **fields), vector["hex"])
        self.assertEqual(decoded.to_hex(), vector["hex"])
        self.assertEqual(epc.parse_uri(vector["tag_uri"]), decoded)

    def assert_error(self, vector):
        with self.assertRaises(epc.EpcError) as caught:
            if vector.get("direction") == "encode":
                epc.parse_uri(vector["input_tag_uri"])
            else:
                epc.decode(vector["hex"])
        error = caught.exception
        self.assertEqual(error.code, vector["error"])
        self.assertEqual(error.raw_uri, vector.get("raw_uri"))
        # The shared file names the scheme of a non-hexadecimal input too.
        if vector["error"] != "invalid_hex":
            self.assertEqual(error.scheme, vector["scheme"])

    def assert_vectors(self, vectors):
        for vector in vectors:
            with self.subTest(hex=vector["hex"], source=vector["source"]):
                if vector["valid"]:
                    self.assert_valid(vector)
                else:
                    self.assert_error(vector)

    def test_shared_vectors(self):
        vectors = load_vectors()
        self.assertEqual(len(vectors), 30)
        self.assert_vectors(vectors)

    def test_own_vectors(self):
        self.assert_vectors(load_vectors(OWN_VECTORS))

    def test_not_hexadecimal(self):
        for text in NOT_HEX:
            with self.subTest(text=text), self.assertRaises(epc.EpcError) as caught:
                epc.decode(text)
            self.assertEqual(caught.exception.code, "invalid_hex")
            self.assertIsNone(caught.exception.raw_uri)
        with self.assertRaises(epc.EpcError) as caught:
            epc.decode("")
        self.assertEqual(caught.exception.code, "too_short")

    def test_every_error_code_and_scheme_has_a_vector(self):
        vectors = load_vectors() + load_vectors(OWN_VECTORS)
        codes = {vector["error"] for vector in vectors if not vector["valid"]}
        self.assertEqual(codes, epc.ERROR_CODES)
        schemes = {vector["scheme"] for vector in valid_vectors()}
        self.assertEqual(schemes, set(epc.SCHEMES))


class TestEpcCodec(BaseCase):
    """Behaviours around the vectors."""

    SGTIN = "3074257BF7194E4000001A85"

    def test_layouts_match_the_tds_tables(self):
        for name, spec in epc._SPECS_BY_NAME.items():
            table = TDS_TABLES[table_of(name)]
            size = REFERENCE_SIZES[table_of(name)]
            expected = tuple(
                (cp_bits, 12 - part, ref_bits, size + part)
                for part, (cp_bits, ref_bits) in enumerate(table)
            )
            self.assertEqual(spec.partitions, expected, name)
            self.assertEqual(spec.bits, int(name.split("-")[1]), name)

    def test_character_set_is_table_a1(self):
        self.assertEqual(len(set(CHARSET_82)), 82)
        self.assertEqual(epc._CHARSET, set(CHARSET_82))

    def test_headers(self):
        headers = {spec.header: name for name, spec in epc._SPECS_BY_NAME.items()}
        self.assertEqual(headers[0x30], "sgtin-96")
        self.assertEqual(headers[0x39], "sgln-195")
        self.assertFalse(set(headers) & set(epc._OTHER_HEADERS))
        self.assertEqual(epc._OTHER_HEADERS[0x35], "gid-96")
        self.assertEqual(epc._OTHER_HEADERS[0xF7], "sgtin+")
        self.assertEqual(epc._OTHER_HEADERS[0xFB], "dsgtin+")
        self.assertEqual(epc._OTHER_HEADERS[0xEF], "sscc++")

    def test_lower_case_and_padded_input(self):
        decoded = epc.decode(self.SGTIN)
        self.assertEqual(epc.decode(self.SGTIN.lower()), decoded)
        # A 96-bit EPC read from a 128-bit EPC bank.
        self.assertEqual(epc.decode(self.SGTIN + "0000" * 2), decoded)
        self.assertEqual(epc.decode(self.SGTIN.lower()).to_hex(), self.SGTIN)
        with self.assertRaises(epc.EpcError) as caught:
            epc.decode(self.SGTIN + "0010")
        self.assertEqual(caught.exception.code, "reserved_bits_nonzero")
        self.assertEqual(caught.exception.raw_uri, f"urn:epc:raw:112.x{self.SGTIN}0010")

    def test_epc_is_immutable_and_hashable(self):
        decoded = epc.decode(self.SGTIN)
        with self.assertRaises(AttributeError):
            decoded.serial = "1"
        with self.assertRaises(AttributeError):
            decoded.extra = 1
        self.assertEqual(len({decoded, epc.decode(self.SGTIN)}), 1)
        self.assertEqual(decoded.kind, "sgtin")

    def test_error_is_a_value_error_and_pickles(self):
        with self.assertRaises(ValueError) as caught:
            epc.decode("307C257BF7194E4000001A85")
        error = pickle.loads(pickle.dumps(caught.exception))
        self.assertEqual(
            (error.code, error.raw_uri, error.scheme),
            (
                "invalid_partition",
                "urn:epc:raw:96.x307C257BF7194E4000001A85",
                "sgtin-96",
            ),
        )
        self.assertIn("invalid_partition", str(error))

    def test_encode_arguments(self):
        hex_str = epc.encode("sgtin-96", 3, "0614141", "812345", 6789)
        self.assertEqual(hex_str, self.SGTIN)
        cases = [
            ({"scheme": "gid-96"}, "unsupported_scheme"),
            ({"scheme": None}, "unsupported_scheme"),
            ({"filter": True}, "filter_out_of_range"),
            ({"filter": -1}, "filter_out_of_range"),
            ({"company_prefix": "\uff10614141"}, "company_prefix_out_of_range"),
            ({"company_prefix": 614141}, "company_prefix_out_of_range"),
            ({"reference": "81234x"}, "item_reference_out_of_range"),
            ({"serial": None}, "invalid_serial"),
            ({"serial": -1}, "serial_out_of_range"),
            ({"serial": "9" * 5000}, "serial_out_of_range"),
            ({"scheme": "sscc-96", "reference": "1234567890"}, "invalid_serial"),
        ]
        fields = {"scheme": "sgtin-96", "filter": 3, "company_prefix": "0614141"}
        fields.update(reference="812345", serial="6789")
        for change, code in cases:
            with self.subTest(change=change), self.assertRaises(epc.EpcError) as caught:
                epc.encode(**{**fields, **change})
            self.assertEqual(caught.exception.code, code)

    def test_parse_uri(self):
        decoded = epc.decode(self.SGTIN)
        raw_uri = f"urn:epc:raw:96.x{self.SGTIN}"
        self.assertEqual(epc.parse_uri(raw_uri), decoded)
        self.assertEqual(epc.parse_uri(f" {decoded.tag_uri}\n"), decoded)
        sgtin = epc.parse_uri("urn:epc:tag:sgtin-198:1.50712192365.88..%25:.13%26")
        self.assertEqual(sgtin.serial, ".%:.13&")
        lower = epc.parse_uri("urn:epc:tag:sgtin-198:3.0614141.712345.32a%2fb")
        self.assertEqual(lower.serial, "32a/b")

    def test_check_digits_agree_with_odoo(self):
        for vector in valid_vectors():
            key = vector["gs1_key"]
            if vector["gs1_ai"] in ("01", "00", "414"):
                with self.subTest(key=key):
                    self.assertEqual(key[-1], str(get_barcode_check_digit(key)))

    def test_codec_does_not_import_odoo(self):
        tree = ast.parse(Path(epc.__file__).read_text())
        modules = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                modules.add(node.module)
        self.assertEqual(modules, {"functools", "re", "typing", "urllib.parse"})


# --- property tests ------------------------------------------------------------


def digits(size):
    if not size:
        return st.just("")
    return st.integers(0, 10**size - 1).map(lambda value: str(value).zfill(size))


@st.composite
def valid_fields(draw):
    """A scheme and valid encode() arguments for it, any partition."""
    scheme = draw(st.sampled_from(epc.SCHEMES))
    part = draw(st.integers(0, 6))
    table = table_of(scheme)
    size = REFERENCE_SIZES[table] + part
    if scheme == "giai-96":
        reference = st.integers(0, 2 ** TDS_TABLES[table][part][1] - 1).map(str)
    elif scheme == "giai-202":
        reference = st.text(CHARSET_82, min_size=1, max_size=size)
    else:
        reference = digits(size)
    serial = st.none()
    if SERIALS[scheme] and SERIALS[scheme][0] == "integer":
        serial = st.integers(0, 2 ** SERIALS[scheme][1] - 1).map(str)
    elif SERIALS[scheme]:
        serial = st.text(CHARSET_82, min_size=1, max_size=SERIALS[scheme][1])
    return scheme, {
        "filter": draw(st.integers(0, 7)),
        "company_prefix": draw(digits(12 - part)),
        "reference": draw(reference),
        "serial": draw(serial),
    }


@st.composite
def scheme_sized_hex(draw):
    """Random bits behind a supported header, at the scheme's hex length."""
    spec = draw(st.sampled_from(list(epc._SPECS_BY_NAME.values())))
    width = -(-spec.bits // 16) * 16
    tail = draw(st.integers(0, 2 ** (width - 8) - 1))
    return f"{spec.header << (width - 8) | tail:0{width // 4}X}"


class TestEpcProperties(BaseCase):
    """Round trips from generated fields; random input only raises EpcError."""

    @PROPERTIES
    @given(valid_fields())
    def test_encode_decode_round_trip(self, scheme_fields):
        scheme, fields = scheme_fields
        hex_str = epc.encode(scheme, **fields)
        decoded = epc.decode(hex_str)
        self.assertEqual(decoded.scheme, scheme)
        self.assertEqual(encode_fields(decoded.to_dict()), fields)
        self.assertEqual(decoded.to_hex(), hex_str)
        self.assertEqual(epc.parse_uri(decoded.tag_uri), decoded)
        body = decoded.pure_identity_uri.split(":", 4)[4]
        self.assertEqual(
            decoded.tag_uri, f"urn:epc:tag:{scheme}:{decoded.filter}.{body}"
        )
        if decoded.gs1_ai in ("01", "00", "414"):
            key = decoded.gs1_key
            self.assertEqual(key[-1], str(get_barcode_check_digit(key)))

    @PROPERTIES
    @given(scheme_sized_hex())
    def test_decodable_bits_round_trip(self, hex_str):
        try:
            decoded = epc.decode(hex_str)
        except epc.EpcError as error:
            self.assertIn(error.code, epc.ERROR_CODES)
            self.assertEqual(
                error.raw_uri, f"urn:epc:raw:{len(hex_str) * 4}.x{hex_str}"
            )
            return
        self.assertEqual(decoded.to_hex(), hex_str)
        self.assertEqual(epc.parse_uri(decoded.tag_uri), decoded)
        decoded.to_dict()

    @PROPERTIES
    @given(st.binary(max_size=40))
    def test_random_bytes_raise_only_epc_errors(self, data):
        try:
            epc.decode(data.hex()).to_dict()
        except epc.EpcError as error:
            self.assertIn(error.code, epc.ERROR_CODES)
            if data:
                self.assertTrue(error.raw_uri.startswith("urn:epc:raw:"))

    @PROPERTIES
    @given(
        st.one_of(
            st.text(max_size=60),
            st.from_regex(
                r"urn:epc:(tag|raw):[a-z0-9+-]{0,9}:?[0-9.x%A-Fa-z]*", fullmatch=True
            ),
        )
    )
    def test_random_text_raises_only_epc_errors(self, text):
        for function in (epc.decode, epc.parse_uri):
            try:
                function(text).to_dict()
            except epc.EpcError as error:
                self.assertIn(error.code, epc.ERROR_CODES)

    @PROPERTIES
    @given(
        st.one_of(st.sampled_from(epc.SCHEMES), st.text(max_size=12), st.none()),
        st.one_of(st.integers(-2, 9), st.booleans(), st.text(max_size=2)),
        st.one_of(st.text("0123456789", max_size=13), st.text(), st.integers()),
        st.one_of(st.text("0123456789", max_size=25), st.text(), st.integers()),
        st.one_of(st.text(CHARSET_82, max_size=25), st.integers(), st.none()),
    )
    def test_random_encode_arguments_raise_only_epc_errors(
        self, scheme, filter_value, company_prefix, reference, serial
    ):
        arguments = (scheme, filter_value, company_prefix, reference, serial)
        try:
            epc.decode(epc.encode(*arguments)).to_dict()
        except epc.EpcError as error:
            self.assertIn(error.code, epc.ERROR_CODES)


class TestEpcOdooBarcodes(TransactionCase):
    """Odoo's own URI parser (barcodes) reads our URIs to the same GTIN,
    serial and SSCC."""

    def test_odoo_nomenclature_agrees(self):
        nomenclature = self.env["barcode.nomenclature"]
        for vector in valid_vectors():
            if vector["scheme"] not in ("sgtin-96", "sscc-96"):
                continue
            expected = [vector["gtin14"], vector["serial"]]
            if vector["scheme"] == "sscc-96":
                expected = [vector["gs1_key"]]
            for uri in (vector["tag_uri"], vector["pure_identity_uri"]):
                with self.subTest(uri=uri):
                    parsed = nomenclature.parse_uri(uri)
                    self.assertEqual([part["value"] for part in parsed], expected)
