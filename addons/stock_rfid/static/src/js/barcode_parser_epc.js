import { patch } from "@web/core/utils/patch";
import { BarcodeParser } from "@barcodes/js/barcode_parser";

// Bits of the GS1 company prefix per partition value (TDS section 14), the
// same in every partition table.
const COMPANY_PREFIX_BITS = [40, 37, 34, 30, 27, 24, 20];
// The schemes of the Python codec (lib/epc.py) by header: bits and digits
// (or characters) of company prefix + reference, the reference's coding
// ("digits" zero-padded, "integer" or 7-bit "string"), the serial's coding,
// bits and characters, and the reserved bits.
const SCHEMES = {
    0x30: { name: "sgtin-96", kind: "sgtin", bits: 44, digits: 13, serial: "integer", serialBits: 38 },
    0x31: { name: "sscc-96", kind: "sscc", bits: 58, digits: 17, reserved: 24 },
    0x32: { name: "sgln-96", kind: "sgln", bits: 41, digits: 12, serial: "integer", serialBits: 41 },
    0x33: { name: "grai-96", kind: "grai", bits: 44, digits: 12, serial: "integer", serialBits: 38 },
    0x34: { name: "giai-96", kind: "giai", bits: 82, digits: 25, reference: "integer" },
    0x36: { name: "sgtin-198", kind: "sgtin", bits: 44, digits: 13, serial: "string", serialBits: 140, serialChars: 20 },
    0x37: { name: "grai-170", kind: "grai", bits: 44, digits: 12, serial: "string", serialBits: 112, serialChars: 16 },
    0x38: { name: "giai-202", kind: "giai", bits: 188, digits: 30, reference: "string" },
    0x39: { name: "sgln-195", kind: "sgln", bits: 41, digits: 12, serial: "string", serialBits: 140, serialChars: 20 },
};
// Lengths of the hexadecimal EPCs of these schemes (96 bits, and 170 to 202
// bits padded to 16-bit words), as the server's nomenclature accepts them.
const EPC_HEX_LENGTHS = new Set([24, 44, 52]);
// TDS Table A-1: the 82 characters of the 7-bit strings, and the 7 of them
// that are percent-escaped in EPC URIs.
const CHARSET = new Set(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
);
const URI_ESCAPED = /["%&/<>?]/g;
// EPC URI types that identify nothing Odoo has a record for.
const UNMATCHED_URI_TYPES = new Set(["grai", "giai", "grai-96", "grai-170", "giai-96", "giai-202"]);

/**
 * Characters of a 7-bit string field: up to the first zero character, then
 * only zero bits; null when invalid.
 */
function decodeString(field, bits, maxChars) {
    let text = "";
    let shift = bits - 7;
    for (; shift >= 0; shift -= 7) {
        const char = String.fromCharCode(Number((field >> BigInt(shift)) & 0x7fn));
        if (char === "\0") {
            break;
        }
        if (!CHARSET.has(char)) {
            return null;
        }
        text += char;
    }
    const rest = field & ((1n << BigInt(shift + 7)) - 1n);
    return rest || !text || text.length > maxChars ? null : text;
}

function decodeReference(scheme, field, bits, size) {
    if (scheme.reference === "integer") {
        return field.toString();
    }
    if (scheme.reference === "string") {
        return decodeString(field, bits, size);
    }
    if (field >= 10n ** BigInt(size)) {
        return null;
    }
    return size ? field.toString().padStart(size, "0") : "";
}

function decodeSerial(scheme, field) {
    if (scheme.serial === "string") {
        return decodeString(field, scheme.serialBits, scheme.serialChars);
    }
    return field.toString();
}

/**
 * Decode a hexadecimal EPC as the Python codec does (lib/epc.py: the same
 * schemes, padding bits after the encoding must be zero), into its scheme,
 * kind, filter, partition, company prefix, reference and serial (null for
 * SSCC and GIAI); null when it does not decode.
 *
 * @param {string} hex
 * @returns {Object|null}
 */
export function decodeEpcHex(hex) {
    if (typeof hex !== "string" || !/^[0-9A-Fa-f]{2,}$/.test(hex)) {
        return null;
    }
    const nbits = hex.length * 4;
    const scheme = SCHEMES[parseInt(hex.slice(0, 2), 16)];
    const low = (scheme?.serialBits || 0) + (scheme?.reserved || 0);
    const length = scheme && 14 + scheme.bits + low;
    if (!scheme || nbits < length) {
        return null;
    }
    const padding = BigInt(nbits - length);
    let value = BigInt("0x" + hex);
    if (value & ((1n << padding) - 1n)) {
        return null;
    }
    value >>= padding;
    const field = (shift, bits) => (value >> BigInt(shift)) & ((1n << BigInt(bits)) - 1n);
    const partition = Number(field(length - 14, 3));
    if (partition > 6) {
        return null;
    }
    const prefixBits = COMPANY_PREFIX_BITS[partition];
    const prefixDigits = 12 - partition;
    const referenceBits = scheme.bits - prefixBits;
    const prefix = field(low + referenceBits, prefixBits);
    const reference = decodeReference(
        scheme,
        field(low, referenceBits),
        referenceBits,
        scheme.digits - prefixDigits
    );
    const serial = scheme.serial ? decodeSerial(scheme, field(scheme.reserved || 0, scheme.serialBits)) : null;
    const reservedSet = scheme.reserved && field(0, scheme.reserved);
    if (
        prefix >= 10n ** BigInt(prefixDigits) ||
        reference === null ||
        (scheme.serial && serial === null) ||
        reservedSet
    ) {
        return null;
    }
    return {
        scheme: scheme.name,
        kind: scheme.kind,
        filter: Number(field(length - 11, 3)),
        partition,
        companyPrefix: prefix.toString().padStart(prefixDigits, "0"),
        reference,
        serial,
    };
}

function uriEscape(text) {
    return text.replace(URI_ESCAPED, (char) => "%" + char.charCodeAt(0).toString(16).toUpperCase());
}

/**
 * EPC tag URI of a hexadecimal EPC of any scheme of the Python codec
 * (e.g. urn:epc:tag:sgtin-198:3.0614141.712345.32a%2Fb), or null.
 *
 * @param {string} hex
 * @returns {string|null}
 */
export function epcHexToTagUri(hex) {
    const epc = decodeEpcHex(hex);
    if (!epc) {
        return null;
    }
    const parts = [epc.filter, epc.companyPrefix, uriEscape(epc.reference)];
    if (epc.serial !== null) {
        parts.push(uriEscape(epc.serial));
    }
    return `urn:epc:tag:${epc.scheme}:${parts.join(".")}`;
}

patch(BarcodeParser.prototype, {
    /**
     * Also parse a hexadecimal EPC read by an RFID handheld, as the
     * server's barcode.nomenclature does: product and lot or serial of an
     * SGTIN, package of an SSCC, location of an SGLN, nothing for GRAI and
     * GIAI (Odoo has no record for them).
     */
    parse_barcode(barcode) {
        const text = typeof barcode === "string" ? barcode.trim() : "";
        const epc = EPC_HEX_LENGTHS.has(text.length) && decodeEpcHex(text);
        return epc ? this.parseEpc(barcode, epc) : super.parse_barcode(barcode);
    },

    /**
     * Parsed results of a decoded EPC, from its unescaped fields (a 7-bit
     * serial may hold the "." and ":" that separate the parts of a URI).
     */
    parseEpc(barcode, epc) {
        const data = [epc.companyPrefix, epc.reference];
        if (epc.kind === "sgtin") {
            return this.convertURIGTINDataIntoProductAndTrackingNumber(barcode, [...data, epc.serial]);
        } else if (epc.kind === "sscc") {
            return this.convertURISSCCDataIntoPackage(barcode, data);
        } else if (epc.kind === "sgln") {
            return this.convertURISGLNDataIntoLocation(barcode, data);
        }
        return [];
    },

    /**
     * Also parse SGLN URIs (urn:epc:id:sgln, urn:epc:tag:sgln-96/195) into
     * the location whose barcode is the GLN; GRAI and GIAI URIs give
     * nothing.
     */
    parseURI(barcode) {
        const [, , , identifier, data] = barcode.split(":").map((part) => part.trim());
        const parts = (data || "").split(".");
        if (identifier === "sgln") {
            return this.convertURISGLNDataIntoLocation(barcode, parts);
        } else if (identifier === "sgln-96" || identifier === "sgln-195") {
            return this.convertURISGLNDataIntoLocation(barcode, parts.slice(1));
        } else if (UNMATCHED_URI_TYPES.has(identifier)) {
            return [];
        }
        return super.parseURI(...arguments);
    },

    convertURISGLNDataIntoLocation(base_code, data) {
        const [companyPrefix, locationReference] = data;
        let gln = companyPrefix + locationReference;
        gln += this.get_barcode_check_digit(gln + "0");
        return [{ base_code, code: gln, string_value: gln, type: "location", value: gln }];
    },
});
