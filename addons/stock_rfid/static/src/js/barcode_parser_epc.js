import { patch } from "@web/core/utils/patch";
import { BarcodeParser } from "@barcodes/js/barcode_parser";

// Bits of the GS1 company prefix per partition value (TDS tables 14-2 to 14-6),
// the same for SGTIN, SSCC and SGLN.
const COMPANY_PREFIX_BITS = [40, 37, 34, 30, 27, 24, 20];
// 96-bit schemes: header, bits of company prefix + reference, digits of
// company prefix + reference, serial or extension bits (after the reference),
// reserved bits.
const SCHEMES_96 = {
    0x30: { name: "sgtin-96", bits: 44, digits: 13, serial: 38, reserved: 0 },
    0x31: { name: "sscc-96", bits: 58, digits: 17, serial: 0, reserved: 24 },
    0x32: { name: "sgln-96", bits: 41, digits: 12, serial: 41, reserved: 0 },
};

/**
 * Tag URI of a 96-bit SGTIN, SSCC or SGLN EPC in hexadecimal, or null.
 * Other EPCs (SGTIN-198 and the other schemes) are parsed by the server's
 * barcode.nomenclature.parse_barcode.
 *
 * @param {string} hex
 * @returns {string|null}
 */
export function epcHexToTagUri(hex) {
    if (!/^[0-9A-Fa-f]{24}$/.test(hex)) {
        return null;
    }
    const value = BigInt("0x" + hex);
    const scheme = SCHEMES_96[Number(value >> 88n)];
    const partition = Number((value >> 82n) & 7n);
    if (!scheme || partition > 6) {
        return null;
    }
    const filter = Number((value >> 85n) & 7n);
    const prefixBits = BigInt(COMPANY_PREFIX_BITS[partition]);
    const referenceBits = BigInt(scheme.bits) - prefixBits;
    const tail = BigInt(scheme.serial + scheme.reserved);
    const prefix = (value >> (tail + referenceBits)) & ((1n << prefixBits) - 1n);
    const reference = (value >> tail) & ((1n << referenceBits) - 1n);
    const prefixDigits = 12 - partition;
    const referenceDigits = scheme.digits - prefixDigits;
    if (
        prefix >= 10n ** BigInt(prefixDigits) ||
        reference >= 10n ** BigInt(referenceDigits)
    ) {
        return null;
    }
    const parts = [
        filter,
        prefix.toString().padStart(prefixDigits, "0"),
        reference.toString().padStart(referenceDigits, "0"),
    ];
    if (scheme.serial) {
        const serialMask = (1n << BigInt(scheme.serial)) - 1n;
        parts.push(((value >> BigInt(scheme.reserved)) & serialMask).toString());
    }
    return `urn:epc:tag:${scheme.name}:${parts.join(".")}`;
}

patch(BarcodeParser.prototype, {
    /**
     * Also parse a hexadecimal 96-bit EPC (SGTIN, SSCC, SGLN) read by an
     * RFID handheld, through its tag URI.
     */
    parse_barcode(barcode) {
        const uri = typeof barcode === "string" && epcHexToTagUri(barcode.trim());
        return super.parse_barcode(uri || barcode);
    },

    /**
     * Also parse SGLN URIs (urn:epc:id:sgln, urn:epc:tag:sgln-96/195) into
     * the location whose barcode is the GLN.
     */
    parseURI(barcode) {
        const [, , , identifier, data] = barcode.split(":").map((part) => part.trim());
        const parts = (data || "").split(".");
        if (identifier === "sgln") {
            return this.convertURISGLNDataIntoLocation(barcode, parts);
        } else if (identifier === "sgln-96" || identifier === "sgln-195") {
            return this.convertURISGLNDataIntoLocation(barcode, parts.slice(1));
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
